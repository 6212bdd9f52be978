package dev.winback.local.cost;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every invocation adds beside requests and duration: CloudWatch Logs (Lambda's START, END and
 * REPORT lines, the function's own JSON lines, an EMF metrics document) and, with active tracing,
 * X-Ray traces — Lambda records the first request each second per function and a share of the rest.
 */
final class LambdaExtras {

    private LambdaExtras() {
    }

    /**
     * @param retentionDays how long the log groups keep what they ingest (the template's LogRetentionDays)
     * @param lines the function's own INFO log lines per invocation (none are written at LOG_LEVEL WARN)
     * @param emf   whether each invocation writes an EMF metrics document
     * @param at    when the invocations happened (for the per-second sampling)
     */
    static void logsAndTraces(Usage usage, Usage.Path path, String name, Deployment.Function function,
                              int retentionDays, PriceTable prices, long invocations, double lines, boolean emf,
                              List<Instant> at) {
        double ownLines = function.logsInfo() ? lines : 0; // the lines counted here are INFO lines
        double bytes = invocations * (prices.assumption("logBytes.platform") + ownLines * prices.assumption("logBytes.line")
                + (emf ? prices.assumption("logBytes.emf") : 0));
        double gb = bytes / (1024.0 * 1024 * 1024);
        usage.add(path, "CloudWatch Logs", "ingested by " + name, "cloudwatch.logsIngestedGB", gb);
        usage.add(path, "CloudWatch Logs", "stored (retention)", "cloudwatch.logsStoredGBMonth",
                gb * prices.assumption("logs.storedShare") * retentionDays / 30.4);
        if (function.tracing()) {
            usage.add(path, "X-Ray", "traces of " + name, "xray.tracesRecorded",
                    traces(at, invocations, prices.assumption("xray.sampleShare")));
        }
    }

    /**
     * Traces recorded: per second with invocations, the first one and {@code share} of the others.
     * When the invocation times are unknown or fewer than the invocations, the missing ones count
     * as sampled at {@code share}.
     */
    static double traces(List<Instant> at, long invocations, double share) {
        Map<Long, Integer> perSecond = new HashMap<>();
        for (Instant instant : at) {
            perSecond.merge(instant.getEpochSecond(), 1, Integer::sum);
        }
        double traces = 0;
        for (int n : perSecond.values()) {
            traces += 1 + share * (n - 1);
        }
        return traces + share * Math.max(0, invocations - at.size());
    }
}
