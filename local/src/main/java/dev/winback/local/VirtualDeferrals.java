package dev.winback.local;

import dev.winback.core.dormancy.Reminder;
import dev.winback.core.dormancy.ReminderDeferral;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/** Deferred reminders on the simulation's virtual clock; like a named schedule, deferring again replaces. */
final class VirtualDeferrals implements ReminderDeferral {

    record Due(Reminder reminder, Instant notBefore) {
    }

    private final PriorityQueue<Due> pending = new PriorityQueue<>(
            Comparator.comparing(Due::notBefore).thenComparing(d -> d.reminder().decisionId()));
    private final Map<String, Due> byDecision = new HashMap<>();

    @Override
    public void defer(Reminder reminder, Instant notBefore) {
        Due previous = byDecision.put(reminder.decisionId(), new Due(reminder, notBefore));
        if (previous != null) {
            pending.remove(previous);
        }
        pending.add(byDecision.get(reminder.decisionId()));
    }

    Instant nextDue() {
        return pending.isEmpty() ? null : pending.peek().notBefore();
    }

    Due take() {
        Due due = pending.poll();
        byDecision.remove(due.reminder().decisionId());
        return due;
    }
}
