package dev.winback.adapters;

import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.recall.TimerScheduler;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.DeadLetterConfig;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.RetryPolicy;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;

/**
 * Long deadlines as one-time EventBridge Scheduler {@code at()} schedules that put the timer message
 * on the same queue the SQS timers use, so the deadline check cannot tell them apart.
 *
 * <ul>
 *   <li>The schedule is named after the user's timer slot for the page kind ({@link Timer#slot()}):
 *       arming again — a retried batch, or the user re-entering the page — finds it by name and
 *       updates it in place, so a user never has more than one pending schedule per page kind.</li>
 *   <li>{@code ActionAfterCompletion: DELETE} removes it once it fired, so schedules do not pile up
 *       (the account quota is per region).</li>
 *   <li>Scheduler has no batch API: each timer is one call. Long timers are the rare case (scenario
 *       steps, not in-session deadlines), so this is not the hot path.</li>
 * </ul>
 */
public final class EventBridgeTimerScheduler implements TimerScheduler {

    /**
     * The target is an SQS queue in the same account: its failures are transient (throttling, a KMS
     * hiccup), so a handful of retries with Scheduler's own back-off covers them; ten attempts span
     * several minutes.
     */
    static final int MAX_RETRY_ATTEMPTS = 10;

    /**
     * A deadline check delivered an hour late is no longer about the moment it was set for; past
     * that, the message goes to the dead-letter queue (alarmed) rather than acting on stale intent.
     */
    static final int MAX_EVENT_AGE_SECONDS = 3600;

    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private static final int MAX_ATTEMPTS = 3;

    private final SchedulerClient scheduler;
    private final String groupName;
    private final String targetQueueArn;
    private final String roleArn;
    private final String dlqArn;

    public EventBridgeTimerScheduler(SchedulerClient scheduler, String groupName, String targetQueueArn,
                                     String roleArn, String dlqArn) {
        this.scheduler = scheduler;
        this.groupName = groupName;
        this.targetQueueArn = targetQueueArn;
        this.roleArn = roleArn;
        this.dlqArn = dlqArn;
    }

    @Override
    public void schedule(List<Timer> timers, Instant now) {
        for (Timer timer : timers) {
            try {
                createOrUpdate(timer);
            } catch (SdkException e) {
                throw new TimerUnavailableException("EventBridge Scheduler refused timer " + timer.id()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code at()} takes whole seconds in the given time zone; rounding up keeps the schedule from
     * firing before the due time.
     */
    static String atExpression(Instant dueAt) {
        Instant second = dueAt.truncatedTo(ChronoUnit.SECONDS);
        if (second.isBefore(dueAt)) {
            second = second.plusSeconds(1);
        }
        return "at(" + AT.format(second) + ")";
    }

    private void createOrUpdate(Timer timer) {
        for (int attempt = 1; ; attempt++) {
            try {
                scheduler.createSchedule(create(timer));
                return;
            } catch (ConflictException exists) {
                try {
                    scheduler.updateSchedule(update(timer));
                    return;
                } catch (ResourceNotFoundException firedMeanwhile) {
                    // It fired and was deleted between our two calls; create it again (a duplicate
                    // firing is a no-op for the idempotent check). Bounded, in case of a tug of war.
                    if (attempt == MAX_ATTEMPTS) {
                        throw firedMeanwhile;
                    }
                }
            }
        }
    }

    private CreateScheduleRequest create(Timer timer) {
        return CreateScheduleRequest.builder()
                .name(timer.slot())
                .groupName(groupName)
                .scheduleExpression(atExpression(timer.dueAt()))
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target(timer))
                .build();
    }

    /** The same definition as {@link #create}: UpdateSchedule replaces the whole schedule. */
    private UpdateScheduleRequest update(Timer timer) {
        return UpdateScheduleRequest.builder()
                .name(timer.slot())
                .groupName(groupName)
                .scheduleExpression(atExpression(timer.dueAt()))
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target(timer))
                .build();
    }

    private Target target(Timer timer) {
        return Target.builder()
                .arn(targetQueueArn)
                .roleArn(roleArn)
                .input(TimerMessage.toJson(timer))
                .retryPolicy(RetryPolicy.builder()
                        .maximumRetryAttempts(MAX_RETRY_ATTEMPTS)
                        .maximumEventAgeInSeconds(MAX_EVENT_AGE_SECONDS)
                        .build())
                .deadLetterConfig(DeadLetterConfig.builder().arn(dlqArn).build())
                .build();
    }
}
