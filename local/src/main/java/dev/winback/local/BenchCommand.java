package dev.winback.local;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.bench.GeoCampaignBenchmark;
import dev.winback.local.bench.IngestBenchmark;
import dev.winback.local.bench.SegmentBenchmark;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code winback bench}: the figures in BENCHMARKS.md, measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run the benchmarks behind BENCHMARKS.md and print a table.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Shorter JMH runs (for a smoke check, not for publishing).")
    boolean quick;

    @Option(names = "--geo", description = "Only the site-campaign benchmark: 1,000,000 directory users x 6 features,"
            + " K = 10, against Apache Commons Math (several minutes, up to 6 GB of heap).")
    boolean geo;

    @Option(names = "--simulation", description = "Only simulate throughput (issue #7): a seeded 10,000-user,"
            + " 2-day trace replayed with every trigger on, events/s per core (about a minute per run).")
    boolean simulation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (geo) {
            return GeoBench.run(out, quick);
        }
        if (simulation) {
            dev.winback.local.bench.SimulationThroughput.run(out, 10_000, 2, quick ? 1 : 3);
            return 0;
        }
        Policy policy = PolicyLoader.defaults();
        String machine = Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version().feature();

        OptionsBuilder builder = new OptionsBuilder();
        if (Runtime.version().feature() >= 23) {
            builder.jvmArgsAppend("--sun-misc-unsafe-memory-access=allow"); // protobuf (under CEL) on JDK 24+
        }
        Options options = builder
                .include(IngestBenchmark.class.getName())
                .include(SegmentBenchmark.class.getName())
                .include(dev.winback.local.bench.SegmentLatencyBenchmark.class.getName())
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double ingest = score(results, "ingestBatch");
        double decode = score(results, "jacksonDecodeOnly");
        double segmentsNone = score(results, "ingestWithSegments", "none");
        double segmentsThree = score(results, "ingestWithSegments", "three");

        List<List<StreamRecord>> batches = IngestBenchmark.batches();
        StreamIngest replay = new StreamIngest(policy, new InMemoryStateStore(), new CollectingQuarantine(),
                Clock.systemUTC(), 1);
        batches.subList(0, batches.size() - 1).forEach(replay::ingest);
        List<StreamRecord> batch = batches.getLast();
        IngestReport report = replay.ingest(batch);
        int distinctUsers = distinctUsers(batch);

        int[] sizes = itemSizes(policy);
        double[] simulation = simulationRate(policy);

        out.println();
        out.printf("%-44s %-16s %-34s %-10s%n", "measure", "result", "compared with", "goal");
        out.printf("%-44s %-16s %-34s %-10s%n", "ingest throughput, 1 core, in-memory store",
                String.format("%,.0f ev/s", ingest), String.format("Jackson parse only: %,.0f ev/s", decode), "");
        out.printf("%-44s %-16s %-34s %-10s%n", "ingest cost vs Jackson parse (time ratio)",
                String.format("%.2fx", decode / ingest), "1.00x = parsing alone", "<= 2x");
        out.printf("%-44s %-16s %-34s %-10s%n", "ingest with 3 custom segments vs without",
                String.format("%.2fx time", segmentsNone / segmentsThree),
                String.format("with %,.0f / without %,.0f ev/s", segmentsThree, segmentsNone), "<= 1.2x");
        for (String batchSize : List.of("1", "500")) {
            double[] latency = percentiles(results, batchSize, "none");
            double[] latencyThree = percentiles(results, batchSize, "three");
            out.printf("%-44s %-16s %-34s %-10s%n", "order to high_value stored, batch of " + batchSize + " p50/p99",
                    String.format("%.0f/%.0f us", latency[0], latency[1]),
                    String.format("3 custom segments: %.0f/%.0f us", latencyThree[0], latencyThree[1]), "");
        }
        out.printf("%-44s %-16s %-34s %-10s%n", "state writes per 500-record batch",
                report.writes() + " writes", distinctUsers + " distinct subjects in the batch", "= subjects");
        out.printf("%-44s %-16s %-34s %-10s%n", "writes per event",
                String.format("%.3f", report.writes() / (double) batch.size()), "1.000 = one write per event", "");
        out.printf("%-44s %-16s %-34s %-10s%n", "user item size p50 / p95 / max (30 sessions)",
                sizes[0] + "/" + sizes[1] + "/" + sizes[2] + " B", "1 KB = one write unit", "p95 <= 1 KB");
        out.printf("%-44s %-16s %-34s %-10s%n", "simulator: deadline decisions per second",
                String.format("%,.0f dec/s", simulation[0]), String.format("%,.0f events/s replayed alongside", simulation[1]), "");
        out.printf("machine: %s%n", machine);
        out.flush();
        return 0;
    }

    /**
     * The whole simulator (ingest, virtual timers, deadline checks, ledgers) over a seeded trace of
     * 2,000 users x 3 sessions; best of 3 runs after a warm-up run. Returns {decisions/s, events/s}.
     */
    private static double[] simulationRate(Policy policy) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("winback-bench");
        java.nio.file.Path trace = dir.resolve("trace.jsonl");
        java.nio.file.Files.write(trace, new SyntheticTrace(11, Instant.parse("2026-11-20T00:00:00Z")).sessions(2000, 3));
        double bestDecisions = 0;
        double bestEvents = 0;
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            Simulation.Outcome outcome = new Simulation(policy, 100, Clock.systemUTC()).run(trace, dir.resolve("out"));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run > 0) {
                bestDecisions = Math.max(bestDecisions, outcome.decisions().size() / seconds);
                bestEvents = Math.max(bestEvents, outcome.received() / seconds);
            }
        }
        return new double[] {bestDecisions, bestEvents};
    }

    private static double score(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .findFirst().orElseThrow().getPrimaryResult().getScore();
    }

    private static double score(Collection<RunResult> results, String method, String custom) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)
                        && custom.equals(r.getParams().getParam("custom")))
                .findFirst().orElseThrow().getPrimaryResult().getScore();
    }

    /** p50 and p99 (microseconds) of the segment latency benchmark for one batch size and segment set. */
    private static double[] percentiles(Collection<RunResult> results, String batch, String custom) {
        var stats = results.stream().filter(r -> r.getParams().getBenchmark().endsWith(".orderToTagStored")
                        && batch.equals(r.getParams().getParam("batch")) && custom.equals(r.getParams().getParam("custom")))
                .findFirst().orElseThrow().getPrimaryResult().getStatistics();
        return new double[] {stats.getPercentile(50), stats.getPercentile(99)};
    }

    private static int distinctUsers(List<StreamRecord> batch) {
        Set<String> subjects = new HashSet<>();
        for (StreamRecord record : batch) {
            String json = new String(record.data(), StandardCharsets.UTF_8);
            int at = json.indexOf("\"userId\":\"");
            subjects.add(json.substring(at + 10, json.indexOf('"', at + 10)));
        }
        return subjects.size();
    }

    /** Item sizes after a month of use: 200 users with 30 sessions each (p50, p95, max). */
    private static int[] itemSizes(Policy policy) {
        List<String> lines = new SyntheticTrace(7, Instant.parse("2026-10-22T00:00:00Z")).sessions(200, 30);
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
        int[] sizes = store.all().values().stream().mapToInt(DynamoStateStore::itemSizeBytes).sorted().toArray();
        return new int[] {sizes[sizes.length / 2], sizes[(int) Math.ceil(sizes.length * 0.95) - 1], sizes[sizes.length - 1]};
    }
}
