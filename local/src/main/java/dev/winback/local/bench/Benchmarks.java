package dev.winback.local.bench;

import java.util.List;

/**
 * Every benchmark {@code winback bench} runs, in table order: one line each. To add one, write a class
 * with a static {@code List<BenchRow> rows(BenchRun run)} (and JMH classes if it needs them) and add a
 * line here — {@link BenchSuite#of} when it times itself, {@link BenchSuite#jmh} when JMH measures it
 * (its classes join the shared JMH run, so its ratio's two sides are measured side by side).
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static List<BenchSuite> all() {
        return List.of(
                BenchSuite.jmh("ingest", List.of(IngestBenchmark.class), IngestRows::throughput),
                BenchSuite.jmh("segments", List.of(SegmentBenchmark.class), IngestRows::segments),
                BenchSuite.jmh("segment-latency", List.of(SegmentLatencyBenchmark.class), IngestRows::latency),
                BenchSuite.of("writes", IngestRows::writes),
                BenchSuite.of("item-size", IngestRows::itemSize),
                BenchSuite.of("simulator", SimulatorRows::rows),
                BenchSuite.of("simulate", SimulationThroughput::rows),
                BenchSuite.of("simulate-memory", Benchmarks::simulateMemory),
                BenchSuite.of("generate", GenerateRows::rows),
                BenchSuite.jmh("kmeans", List.of(GeoCampaignBenchmark.class), GeoRows.GROUP, GeoRows::rows),
                BenchSuite.of("cost", CostRows::rows),
                BenchSuite.of("timers", Benchmarks::timers),
                BenchSuite.of("dormant-index", Benchmarks::dormantIndex),
                BenchSuite.of("cold-start", Benchmarks::coldStart));
    }

    /** Needs SQS (MiniStack): measured by a test of the tests module, not here. */
    private static List<BenchRow> timers(BenchRun run) {
        return List.of(BenchRow.referenced("timers", "SQS timer lateness p99, 40 timers due 1-5 s ahead (MiniStack)",
                "the due time (SQS DelaySeconds: whole seconds)",
                "./mvnw -B -pl tests test -Dtest=TimerSchedulersTest (published: p99 577-595 ms)", "p99 <= 1 s"));
    }

    /** A 50M-event replay takes about 35 minutes and 8 GB of trace: its own option, on a trace of the caller's. */
    private static List<BenchRow> simulateMemory(BenchRun run) {
        return List.of(BenchRow.referenced("simulate-memory", "simulate, 50M events: peak live heap (after a full collection)",
                "the trace: 50,139,848 events, 97,000 users + 9,700 B2B users x 30 days",
                "./winback generate --users 97000 --days 30 --out t.jsonl && JAVA_TOOL_OPTIONS=-Xmx10g ./winback bench"
                        + " --simulation-memory t.jsonl (published: 2.96 GiB at the end of the replay, peak 3.57 GiB)",
                "measured"));
    }

    /** Starts MiniStack and a JVM per function and round (minutes): its own option prints its own table. */
    private static List<BenchRow> coldStart(BenchRun run) {
        return List.of(BenchRow.referenced("cold-start", "JVM start to first response per function, packaged jar (no snapshot)",
                "a minimal handler with the same event type, SDK clients and calls",
                "./winback bench --cold-start (published: 0.89-1.48x on a quiet machine, 6 of 10 functions within 1.3x)", "<= 1.3x"));
    }

    /** Needs DynamoDB Local and its index: measured by a test of the tests module, not here. */
    private static List<BenchRow> dormantIndex(BenchRun run) {
        return List.of(BenchRow.referenced("dormant-index", "index items read per dormant user found, 100,000 users",
                "a table scan: 100 items per user found",
                "./mvnw -B -pl tests test -Dtest=DormantCohortIndexTest -Dwinback.cohortUsers=100000 (published: 1.00)",
                "<= 1.2"));
    }
}
