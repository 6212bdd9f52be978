package dev.winback.local.bench;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.Simulation;
import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue #7: how many trace events per second {@code ./winback simulate} replays on one core with every
 * trigger of the default policy on (ingest and segments, in-session deadlines, dormant scans and
 * reminders, scenarios and journeys, conversions, geo campaigns), on the in-memory stores.
 *
 * <p>The simulator runs on the calling thread, so events per CPU second of the process (that thread,
 * the collector and the JIT compiler together) is the rate per core; wall-clock rates are given too,
 * since other work on the machine lowers them. Run it with {@code -XX:ActiveProcessorCount=1} to keep
 * the collector and the compiler to one thread as well. A seeded
 * trace is generated once ({@code ./winback generate} with the same settings gives the same file); each
 * run replays it from scratch, result files included. The first run warms the JIT and is not counted.
 *
 * <p>Entry points: {@link #measure} for {@code ./winback bench}, {@link #main} to run it alone:
 * {@code java -cp local/target/winback.jar dev.winback.local.bench.SimulationThroughput [users] [days] [runs]}.
 */
public final class SimulationThroughput {

    /**
     * One timed run: events replayed, wall seconds, CPU seconds of the whole process (the simulator's
     * thread plus the collector's and the compiler's) and of the simulator's thread alone.
     */
    public record Run(long events, double wallSeconds, double cpuSeconds, double threadCpuSeconds) {
        public double eventsPerCpuSecond() {
            return events / cpuSeconds;
        }

        public double eventsPerThreadCpuSecond() {
            return events / threadCpuSeconds;
        }

        public double eventsPerWallSecond() {
            return events / wallSeconds;
        }
    }

    /** What {@link #measure} found: the trace's size and each timed run. */
    public record Result(TraceSettings settings, long lines, List<Run> runs) {
        public Run best() {
            return runs.stream().max(java.util.Comparator.comparingDouble(Run::eventsPerCpuSecond)).orElseThrow();
        }

        public double worstPerCpuSecond() {
            return runs.stream().mapToDouble(Run::eventsPerCpuSecond).min().orElseThrow();
        }

        public String describe() {
            Run best = best();
            return String.format("simulate, 1 core, all triggers: best %,.0f events per CPU second of the process"
                            + " (runs %,.0f..%,.0f; simulator thread alone %,.0f), %,.0f events/s wall clock;"
                            + " %,d events, %,d users x %d days, seed %d",
                    best.eventsPerCpuSecond(), worstPerCpuSecond(), best.eventsPerCpuSecond(),
                    best.eventsPerThreadCpuSecond(), best.eventsPerWallSecond(),
                    lines, settings.users(), settings.days(), settings.seed());
        }
    }

    private SimulationThroughput() {
    }

    /** Generates the trace (seed 1, from 2026-10-01) and replays it {@code runs} + 1 times. */
    public static Result measure(Policy policy, int users, int days, int runs) throws IOException {
        TraceSettings settings = TraceSettings.of(1, Instant.parse("2026-10-01T00:00:00Z"), days, users,
                null, null, null, null);
        Path dir = Files.createTempDirectory("winback-simbench");
        try {
            Path trace = dir.resolve("trace.jsonl");
            long lines;
            try (Writer out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
                lines = new TraceGenerator(settings).writeTo(out, Long.MAX_VALUE, Long.MAX_VALUE, (events, upTo) -> { });
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            List<Run> timed = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                long cpu = process.getProcessCpuTime();
                long threadCpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                Simulation.Outcome outcome = new Simulation(policy, 100, Clock.systemUTC()).run(trace, dir.resolve("out"));
                Run measured = new Run(outcome.received(), (System.nanoTime() - wall) / 1e9,
                        (process.getProcessCpuTime() - cpu) / 1e9, (threads.getCurrentThreadCpuTime() - threadCpu) / 1e9);
                if (run > 0) {
                    timed.add(measured);
                }
            }
            return new Result(settings, lines, timed);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The {@code simulate} row of {@code winback bench}: 10,000 users x 2 days, 3 timed runs (quick: 300 users, 1 day, 1 run). */
    static List<BenchRow> rows(BenchRun run) throws IOException {
        Result result = measure(PolicyLoader.defaults(), run.settings().pick(10_000, 300), run.settings().pick(2, 1),
                run.settings().repeats(3, 1));
        Run best = result.best();
        return List.of(BenchRow.of("simulate", "simulate, every trigger on, memory store: events per CPU second, 1 core",
                        "a Kinesis shard's 1,000 records/s",
                        String.format("%,.0f events/s (runs %,.0f..%,.0f; %,d events)", best.eventsPerCpuSecond(),
                                result.worstPerCpuSecond(), best.eventsPerCpuSecond(), result.lines()))
                .ratio(best.eventsPerCpuSecond() / IngestRows.SHARD_RECORDS_PER_SECOND)
                .goal(">= 500,000 events/s", best.eventsPerCpuSecond() >= 500_000));
    }

    /** Prints each run and the summary line. */
    public static Result run(PrintWriter out, int users, int days, int runs) throws IOException {
        Result result = measure(PolicyLoader.defaults(), users, days, runs);
        for (Run run : result.runs()) {
            out.printf("  run: %,d events, %.2f s CPU (%,.0f events/s; thread %.2f s), %.2f s wall (%,.0f events/s)%n",
                    run.events(), run.cpuSeconds(), run.eventsPerCpuSecond(), run.threadCpuSeconds(), run.wallSeconds(),
                    run.eventsPerWallSecond());
        }
        out.println(result.describe());
        out.flush();
        return result;
    }

    public static void main(String[] args) throws IOException {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        run(new PrintWriter(System.out, true, StandardCharsets.UTF_8), users, days, runs);
    }
}
