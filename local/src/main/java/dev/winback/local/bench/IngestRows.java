package dev.winback.local.bench;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.SyntheticTrace;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.util.Statistics;

/** The ingest rows of BENCHMARKS.md (issues #2 and #5): throughput, CEL segments, latency, writes, item size. */
final class IngestRows {

    /** A Kinesis shard accepts at most this many records per second (the stream's physical limit). */
    static final double SHARD_RECORDS_PER_SECOND = 1_000;

    private IngestRows() {
    }

    /** Ingest vs Jackson parse of the same 500 records, both in the same JMH run. */
    static List<BenchRow> throughput(BenchRun run) {
        double ingest = run.score(IngestBenchmark.class, "ingestBatch");
        double parse = run.score(IngestBenchmark.class, "jacksonDecodeOnly");
        return List.of(
                BenchRow.of("ingest", "ingest throughput, 1 core, in-memory store",
                                "a Kinesis shard's limit: 1,000 records/s", String.format("%,.0f events/s", ingest))
                        .ratio(ingest / SHARD_RECORDS_PER_SECOND),
                BenchRow.of("ingest", "ingest time per event vs Jackson parse of the same records",
                                String.format("Jackson readTree alone: %,.0f events/s", parse),
                                String.format("%,.0f events/s", ingest))
                        .ratio(parse / ingest).goal("<= 2x", parse / ingest <= 2));
    }

    /** The default policy with and without three custom CEL segments, the same batch, the same JMH run. */
    static List<BenchRow> segments(BenchRun run) {
        double none = run.score(SegmentBenchmark.class, "ingestWithSegments", "custom=none");
        double three = run.score(SegmentBenchmark.class, "ingestWithSegments", "custom=three");
        return List.of(BenchRow.of("segments", "ingest time with 3 custom CEL segments vs without",
                        String.format("without: %,.0f events/s", none), String.format("with: %,.0f events/s", three))
                .ratio(none / three).goal("<= 1.2x", none / three <= 1.2));
    }

    /** Order to high_value stored, alone and as the last of 500 records, with and without CEL segments. */
    static List<BenchRow> latency(BenchRun run) {
        List<BenchRow> rows = new ArrayList<>();
        for (String batch : List.of("1", "500")) {
            Statistics none = run.jmh(SegmentLatencyBenchmark.class, "orderToTagStored", "batch=" + batch, "custom=none")
                    .getPrimaryResult().getStatistics();
            Statistics three = run.jmh(SegmentLatencyBenchmark.class, "orderToTagStored", "batch=" + batch, "custom=three")
                    .getPrimaryResult().getStatistics();
            rows.add(BenchRow.of("segment-latency", "order to high_value stored, batch of " + batch + ", p50 / p99",
                            String.format("default segments: %s / %s", micros(none.getPercentile(50)), micros(none.getPercentile(99))),
                            String.format("+3 CEL: %s / %s", micros(three.getPercentile(50)), micros(three.getPercentile(99))))
                    .ratio(three.getPercentile(50) / none.getPercentile(50)));
        }
        return rows;
    }

    private static String micros(double us) {
        return us >= 1000 ? String.format("%.1f ms", us / 1000) : String.format("%.0f us", us);
    }

    /** State writes for the benchmark's 500-record batch: one per distinct subject is the design's limit. */
    static List<BenchRow> writes(BenchRun run) {
        List<List<StreamRecord>> batches = IngestBenchmark.batches();
        StreamIngest replay = new StreamIngest(PolicyLoader.defaults(), new InMemoryStateStore(), new CollectingQuarantine(),
                Clock.systemUTC(), 1);
        batches.subList(0, batches.size() - 1).forEach(replay::ingest);
        List<StreamRecord> batch = batches.getLast();
        IngestReport report = replay.ingest(batch);
        int subjects = distinctSubjects(batch);
        return List.of(
                BenchRow.of("writes", "state writes for a realistic 500-record batch",
                                subjects + " distinct subjects in the batch", report.writes() + " writes")
                        .ratio((double) report.writes() / subjects).goal("= subjects", report.writes() == subjects),
                BenchRow.of("writes", "state writes per event (same batch)", "1.000 = a write per event",
                        String.format("%.3f", report.writes() / (double) batch.size())).ratio(report.writes() / (double) batch.size()));
    }

    private static int distinctSubjects(List<StreamRecord> batch) {
        Set<String> subjects = new HashSet<>();
        for (StreamRecord record : batch) {
            String json = new String(record.data(), StandardCharsets.UTF_8);
            int at = json.indexOf("\"userId\":\"");
            subjects.add(json.substring(at + 10, json.indexOf('"', at + 10)));
        }
        return subjects.size();
    }

    /** User item size after a month of use (200 users x 30 daily sessions; quick: 50 users), DynamoDB's billed size. */
    static List<BenchRow> itemSize(BenchRun run) {
        Policy policy = PolicyLoader.defaults();
        int users = run.settings().pick(200, 50);
        List<String> lines = new SyntheticTrace(7, Instant.parse("2026-10-22T00:00:00Z")).sessions(users, 30);
        InMemoryStateStore store = new InMemoryStateStore();
        StreamIngest ingest = new StreamIngest(policy, store, new CollectingQuarantine(), Clock.systemUTC(), 1);
        List<StreamRecord> batch = new ArrayList<>();
        long sequence = 49_000_000_000_000_000L;
        for (String line : lines) {
            // Kinesis sequence numbers are 56 digits; the high-water attribute is billed at that length.
            batch.add(new StreamRecord(String.format("%056d", sequence++), "p", Instant.parse("2026-11-22T00:00:00Z"),
                    line.getBytes(StandardCharsets.UTF_8), "bench"));
            if (batch.size() == 500) {
                ingest.ingest(batch);
                batch = new ArrayList<>();
            }
        }
        ingest.ingest(batch);
        int[] sizes = store.all().entrySet().stream().filter(e -> e.getKey().startsWith("user#"))
                .mapToInt(e -> DynamoStateStore.itemSizeBytes(e.getValue())).sorted().toArray();
        int p50 = sizes[sizes.length / 2];
        int p95 = sizes[(int) Math.ceil(sizes.length * 0.95) - 1];
        int max = sizes[sizes.length - 1];
        return List.of(BenchRow.of("item-size", "user item after 30 daily sessions, p50 / p95 / max",
                        "1 KB = one DynamoDB write unit", String.format("%,d / %,d / %,d B", p50, p95, max))
                .ratio(p95 / 1024.0).goal("p95 <= 1 KB", p95 <= 1024));
    }
}
