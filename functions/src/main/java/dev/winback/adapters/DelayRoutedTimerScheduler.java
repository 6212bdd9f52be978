package dev.winback.adapters;

import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One timer port over two services: deadlines up to {@code threshold} away go to the precise but
 * short-range scheduler (SQS message timers, at most 15 minutes), the rest to the long-range one
 * (EventBridge Scheduler {@code at()}, about a minute of precision). The threshold is policy; it must
 * not exceed what the short scheduler can delay (15 minutes for SQS), or those timers fire early.
 */
public final class DelayRoutedTimerScheduler implements TimerScheduler {

    private final TimerScheduler shortTimers;
    private final TimerScheduler longTimers;
    private final Duration threshold;

    public DelayRoutedTimerScheduler(TimerScheduler shortTimers, TimerScheduler longTimers, Duration threshold) {
        this.shortTimers = Objects.requireNonNull(shortTimers);
        this.longTimers = Objects.requireNonNull(longTimers);
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("threshold must not be negative: " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public void schedule(List<Timer> timers, Instant now) {
        List<Timer> near = new ArrayList<>();
        List<Timer> far = new ArrayList<>();
        for (Timer timer : timers) {
            (Duration.between(now, timer.dueAt()).compareTo(threshold) <= 0 ? near : far).add(timer);
        }
        // Each side is all-or-exception; if the second fails the caller retries both, and the
        // duplicates of the first are harmless because the deadline check is idempotent per timer id.
        if (!near.isEmpty()) {
            shortTimers.schedule(near, now);
        }
        if (!far.isEmpty()) {
            longTimers.schedule(far, now);
        }
    }
}
