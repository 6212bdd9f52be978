package dev.winback.adapters;

import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.recall.TimerScheduler;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Long deadlines as one-time EventBridge Scheduler {@code at()} schedules that put the timer message
 * on the same queue the SQS timers use, so the deadline check cannot tell them apart.
 *
 * <ul>
 *   <li>The schedule is named after the user's timer slot for the page kind ({@link Timer#slot()}):
 *       arming again — a retried batch, or the user re-entering the page — finds it by name and
 *       updates it in place, so a user never has more than one pending schedule per page kind.</li>
 *   <li>Scheduler has no batch API: each timer is one call. Long timers are the rare case (scenario
 *       steps, not in-session deadlines), so this is not the hot path.</li>
 * </ul>
 */
public final class EventBridgeTimerScheduler implements TimerScheduler {

    static final int MAX_RETRY_ATTEMPTS = OneTimeSchedules.MAX_RETRY_ATTEMPTS;
    static final int MAX_EVENT_AGE_SECONDS = OneTimeSchedules.MAX_EVENT_AGE_SECONDS;

    private final OneTimeSchedules schedules;

    public EventBridgeTimerScheduler(SchedulerClient scheduler, String groupName, String targetQueueArn,
                                     String roleArn, String dlqArn) {
        this.schedules = new OneTimeSchedules(scheduler, groupName, targetQueueArn, roleArn, dlqArn);
    }

    @Override
    public void schedule(List<Timer> timers, Instant now) {
        for (Timer timer : timers) {
            try {
                schedules.upsert(timer.slot(), timer.dueAt(), TimerMessage.toJson(timer));
            } catch (SdkException e) {
                throw new TimerUnavailableException("EventBridge Scheduler refused timer " + timer.id()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    static String atExpression(Instant dueAt) {
        return OneTimeSchedules.atExpression(dueAt);
    }
}
