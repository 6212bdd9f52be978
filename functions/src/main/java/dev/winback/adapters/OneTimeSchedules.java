package dev.winback.adapters;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
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
 * One-time EventBridge Scheduler {@code at()} schedules that put a message on an SQS queue, created
 * or — when one of that name exists — updated in place, and deleted by Scheduler once they fired
 * ({@code ActionAfterCompletion: DELETE}, so schedules do not pile up against the regional quota).
 */
final class OneTimeSchedules {

    /**
     * The target is an SQS queue in the same account: its failures are transient (throttling, a KMS
     * hiccup), so a handful of retries with Scheduler's own back-off covers them; ten attempts span
     * several minutes.
     */
    static final int MAX_RETRY_ATTEMPTS = 10;

    /**
     * A message delivered an hour late is no longer about the moment it was set for; past that, it
     * goes to the dead-letter queue (alarmed) rather than acting on a stale moment.
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

    OneTimeSchedules(SchedulerClient scheduler, String groupName, String targetQueueArn, String roleArn, String dlqArn) {
        this.scheduler = scheduler;
        this.groupName = groupName;
        this.targetQueueArn = targetQueueArn;
        this.roleArn = roleArn;
        this.dlqArn = dlqArn;
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

    /** Creates the schedule, or updates the one of that name; the SDK's exceptions propagate. */
    void upsert(String name, Instant at, String input) {
        for (int attempt = 1; ; attempt++) {
            try {
                scheduler.createSchedule(create(name, at, input));
                return;
            } catch (ConflictException exists) {
                try {
                    scheduler.updateSchedule(update(name, at, input));
                    return;
                } catch (ResourceNotFoundException firedMeanwhile) {
                    // It fired and was deleted between our two calls; create it again (a duplicate
                    // firing is a no-op for the idempotent consumer). Bounded, in case of a tug of war.
                    if (attempt == MAX_ATTEMPTS) {
                        throw firedMeanwhile;
                    }
                }
            }
        }
    }

    private CreateScheduleRequest create(String name, Instant at, String input) {
        return CreateScheduleRequest.builder()
                .name(name)
                .groupName(groupName)
                .scheduleExpression(atExpression(at))
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target(input))
                .build();
    }

    /** The same definition as {@link #create}: UpdateSchedule replaces the whole schedule. */
    private UpdateScheduleRequest update(String name, Instant at, String input) {
        return UpdateScheduleRequest.builder()
                .name(name)
                .groupName(groupName)
                .scheduleExpression(atExpression(at))
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target(input))
                .build();
    }

    private Target target(String input) {
        return Target.builder()
                .arn(targetQueueArn)
                .roleArn(roleArn)
                .input(input)
                .retryPolicy(RetryPolicy.builder()
                        .maximumRetryAttempts(MAX_RETRY_ATTEMPTS)
                        .maximumEventAgeInSeconds(MAX_EVENT_AGE_SECONDS)
                        .build())
                .deadLetterConfig(DeadLetterConfig.builder().arn(dlqArn).build())
                .build();
    }
}
