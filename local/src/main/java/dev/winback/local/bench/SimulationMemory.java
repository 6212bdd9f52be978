package dev.winback.local.bench;

import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.ReplayMonitor;
import dev.winback.local.Simulation;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue #7: the peak memory of {@code simulate} on a long trace (50M events). The live heap is what the
 * replay must keep, so it is read right after a full collection, forced every {@code every} (and at the
 * end of the trace and of the run); the peak resident set comes from the kernel ({@code VmHWM}). The
 * heap the JVM may take is the caller's choice ({@code -Xmx}, e.g. through {@code JAVA_TOOL_OPTIONS}):
 * a collector given more room than the live heap needs uses it, so the resident set says how much
 * room was given as much as how much was needed.
 *
 * <p>{@code ./winback bench --simulation-memory TRACE}; the result files go to a temporary folder,
 * deleted at the end (a 50M-event run writes about 8 GB of them).
 */
public final class SimulationMemory {

    /** One reading: when, how far into the trace, the heap left after a full collection. */
    public record Sample(Duration elapsed, long lines, long liveHeapBytes, String when) {
    }

    public record Result(long events, Duration wall, List<Sample> samples, long peakResidentBytes, long maxHeapBytes) {

        public Sample peak() {
            return samples.stream().max(java.util.Comparator.comparingLong(Sample::liveHeapBytes)).orElseThrow();
        }
    }

    private SimulationMemory() {
    }

    public static Result measure(Path trace, Duration every, PrintWriter progress) throws IOException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong lines = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean traceRead = new java.util.concurrent.atomic.AtomicBoolean();
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        Runnable sample = () -> {
            String when = traceRead.get() ? "after the trace" : "during the replay";
            System.gc(); // a full, compacting collection (G1 and Serial): what is left is live
            Sample taken = new Sample(Duration.ofNanos(System.nanoTime() - start), lines.get(),
                    memory.getHeapMemoryUsage().getUsed(), when);
            samples.add(taken);
            progress.printf("  %6.0f s  %,13d lines  live heap %,7d MiB%n", taken.elapsed().toMillis() / 1000.0,
                    taken.lines(), taken.liveHeapBytes() >> 20);
            progress.flush();
        };
        ReplayMonitor monitor = new ReplayMonitor() {
            @Override
            public void lineRead(int number, String line) {
                lines.lazySet(number);
            }

            @Override
            public void traceRead() {
                sample.run(); // the end of the replay, before the pending timers and the result files
                traceRead.set(true);
            }
        };
        Path out = Files.createTempDirectory("winback-simmem");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heap-sampler");
            thread.setDaemon(true);
            return thread;
        });
        try {
            sampler.scheduleAtFixedRate(sample, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            Simulation.Outcome outcome = new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC())
                    .withMonitor(monitor).run(trace, out);
            sampler.shutdownNow();
            sampler.awaitTermination(1, TimeUnit.MINUTES);
            sample.run(); // the end of the run: result files written, the outcome (counts and states) still held
            java.lang.ref.Reference.reachabilityFence(outcome);
            return new Result(outcome.received(), Duration.ofNanos(System.nanoTime() - start), List.copyOf(samples),
                    peakResident(), memory.getHeapMemoryUsage().getMax());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            sampler.shutdownNow();
            try (var files = Files.walk(out)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Peak resident set of this process (Linux {@code VmHWM}), or -1 where the kernel does not say. */
    static long peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Prints each sample as it is taken, then the summary. */
    public static Result run(PrintWriter out, Path trace, Duration every) throws IOException {
        out.printf("simulate %s, live heap after a full collection every %d s:%n", trace, every.toSeconds());
        Result result = measure(trace, every, out);
        Sample peak = result.peak();
        double seconds = result.wall().toMillis() / 1000.0;
        out.printf("simulate memory: %,d events in %.0f s (%,.0f events/s wall, sampling pauses included);"
                        + " peak live heap %,d MiB (%s, at line %,d); end of the replay %,d MiB; end of the run %,d MiB;"
                        + " peak resident set %s with a heap limit of %,d MiB%n",
                result.events(), seconds, result.events() / seconds, peak.liveHeapBytes() >> 20, peak.when(), peak.lines(),
                endOf(result, "during the replay") >> 20, result.samples().getLast().liveHeapBytes() >> 20,
                result.peakResidentBytes() < 0 ? "n/a" : String.format("%,d MiB", result.peakResidentBytes() >> 20),
                result.maxHeapBytes() >> 20);
        out.flush();
        return result;
    }

    /** The last sample of the replay (taken when the trace was read). */
    private static long endOf(Result result, String when) {
        return result.samples().stream().filter(s -> s.when().equals(when)).reduce((a, b) -> b)
                .map(Sample::liveHeapBytes).orElse(-1L);
    }
}
