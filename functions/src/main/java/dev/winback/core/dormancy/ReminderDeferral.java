package dev.winback.core.dormancy;

import java.time.Instant;

/** Port: holds a reminder that fell in the user's quiet hours until they end (Scheduler at() in AWS). */
public interface ReminderDeferral {

    void defer(Reminder reminder, Instant notBefore);
}
