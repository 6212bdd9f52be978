package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.winback.core.dormancy.ShardTasks;
import dev.winback.core.policy.Policy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * DormantScanFunction: the daily EventBridge Scheduler run (B6). It only fans the run out, one task
 * per index shard, so the work scales out and each shard retries on its own.
 */
public final class DormantScanHandler implements RequestHandler<Map<String, Object>, String> {

    private static final Logger LOG = LoggerFactory.getLogger(DormantScanHandler.class);

    private final Policy policy;
    private final ShardTasks tasks;

    public DormantScanHandler() {
        this(Wiring.fromEnvironment());
    }

    private DormantScanHandler(Wiring wiring) {
        this(wiring.policy(), wiring.shardTasks());
    }

    public DormantScanHandler(Policy policy, ShardTasks tasks) {
        this.policy = policy;
        this.tasks = tasks;
    }

    /** @param input {@code {"kind":"dormant_scan","scheduledTime":"2026-11-29T02:00:00Z"}} from the schedule */
    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Object scheduled = input == null ? null : input.get("scheduledTime");
            if (!(scheduled instanceof String text)) {
                throw new IllegalArgumentException("the scan needs a 'scheduledTime' (the schedule's <aws.scheduler.scheduled-time>)");
            }
            // The run day is the scheduled one, not the invocation's: a retried run is the same run.
            LocalDate runDay = LocalDate.ofInstant(Instant.parse(text), policy.timeZone());
            tasks.enqueue(runDay, policy.dormancy().indexShards());
            LOG.info("dormant scan for {}: {} shard tasks", runDay, policy.dormancy().indexShards());
            return runDay.toString();
        });
    }
}
