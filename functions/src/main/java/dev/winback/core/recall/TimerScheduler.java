package dev.winback.core.recall;

import java.time.Instant;
import java.util.List;

/**
 * Port: arms deadline timers so that each reaches the deadline check at (or just after) its due
 * time. Delivery is at least once; the check is idempotent per {@link Timer#id()}.
 */
public interface TimerScheduler {

    /**
     * @param now the reference time the delays are computed from
     * @throws TimerUnavailableException when timers cannot be armed now (the caller retries)
     */
    void schedule(List<Timer> timers, Instant now);

    class TimerUnavailableException extends RuntimeException {
        public TimerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
