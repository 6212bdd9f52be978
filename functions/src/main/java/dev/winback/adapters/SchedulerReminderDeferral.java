package dev.winback.adapters;

import dev.winback.core.dormancy.Reminder;
import dev.winback.core.dormancy.ReminderDeferral;
import dev.winback.core.dormancy.ReminderMessage;
import java.time.Instant;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Reminders that fell in the user's quiet hours wait in a one-time Scheduler schedule named after the
 * decision (a retried run updates it, never adds one) that puts them on the reminder queue at the
 * end of the quiet hours. Scheduler's minute-level precision is ample for "after 08:00".
 */
public final class SchedulerReminderDeferral implements ReminderDeferral {

    private final OneTimeSchedules schedules;

    public SchedulerReminderDeferral(SchedulerClient scheduler, String groupName, String reminderQueueArn,
                                     String roleArn, String dlqArn) {
        this.schedules = new OneTimeSchedules(scheduler, groupName, reminderQueueArn, roleArn, dlqArn);
    }

    @Override
    public void defer(Reminder reminder, Instant notBefore) {
        schedules.upsert(reminder.decisionId(), notBefore, ReminderMessage.deferred(reminder, notBefore));
    }
}
