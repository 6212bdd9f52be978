package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.dormancy.ReminderMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * DormantShardFunction: one index shard of a dormant scan, or one reminder whose quiet hours are
 * over. Each message fails alone; a retried shard re-sends nothing (decisions are keyed by cause).
 */
public final class DormantShardHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DormantShardHandler.class);

    private final DormantReminders reminders;
    private final Clock clock;

    public DormantShardHandler() {
        this(Wiring.fromEnvironment().dormantReminders(), Clock.systemUTC());
    }

    public DormantShardHandler(DormantReminders reminders, Clock clock) {
        this.reminders = reminders;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    switch (ReminderMessage.parse(message.getBody())) {
                        case ReminderMessage.ShardTask task -> LOG.info("shard {} of {}: {}", task.shard(), task.runDay(),
                                reminders.runShard(task.runDay(), task.shard(), clock.instant()));
                        case ReminderMessage.Deferred deferred -> LOG.info("deferred reminder {}: {}",
                                deferred.reminder().decisionId(), reminders.deliverDeferred(deferred.reminder(), clock.instant())
                                        .map(d -> d.outcome().wireName()).orElse("no longer due"));
                        default -> throw new IllegalArgumentException("unexpected work item");
                    }
                } catch (IllegalArgumentException bad) {
                    LOG.error("unreadable work item {}: {}", message.getMessageId(), bad.getMessage());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                } catch (RuntimeException transientFailure) {
                    LOG.warn("work item {} will be retried: {}", message.getMessageId(), transientFailure.toString());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }
}
