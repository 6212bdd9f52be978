package dev.winback.local;

import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/** Timers on the simulation's virtual clock: armed by ingest, fired by the simulation in due order. */
final class VirtualTimers implements TimerScheduler {

    private final PriorityQueue<Timer> pending =
            new PriorityQueue<>(Comparator.comparing(Timer::dueAt).thenComparing(Timer::id));
    private final Set<String> armed = new HashSet<>();

    /**
     * Arming the same timer twice is one timer, like a deterministic schedule name. Arming it again for
     * another due time (a message deferred past quiet hours) is a new firing, as the re-armed SQS
     * message or the updated schedule is in AWS.
     */
    @Override
    public void schedule(List<Timer> timers, Instant now) {
        for (Timer timer : timers) {
            if (armed.add(timer.id() + "@" + timer.dueAt())) {
                pending.add(timer);
            }
        }
    }

    /** Earliest due time, or null when nothing is pending. */
    Instant nextDue() {
        return pending.isEmpty() ? null : pending.peek().dueAt();
    }

    /** Removes and returns the timers due at or before {@code until}, earliest first. */
    List<Timer> takeDue(Instant until) {
        List<Timer> due = new ArrayList<>();
        while (!pending.isEmpty() && !pending.peek().dueAt().isAfter(until)) {
            due.add(pending.poll());
        }
        return due;
    }

    int armedCount() {
        return armed.size();
    }
}
