package dev.winback.local;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.CampaignFeatures;
import dev.winback.core.geo.ClusterChoice;
import dev.winback.core.geo.Clustering;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.FeatureMatrix;
import dev.winback.core.geo.Preselection;
import dev.winback.local.bench.GeoCampaignBenchmark;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code winback bench --geo}: times {@link GeoCampaignBenchmark} with JMH (single shots, one fork),
 * then measures in this JVM what JMH does not: bytes allocated and peak heap of one run of each, and
 * both inertias, which must agree for the time comparison to mean anything.
 */
final class GeoBench {

    private GeoBench() {
    }

    static int run(PrintWriter out, boolean quick) throws Exception {
        Options options = new OptionsBuilder()
                .include(GeoCampaignBenchmark.class.getName())
                .jvmArgsAppend("-Xms6g", "-Xmx6g")
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 1 : 3)
                .measurementIterations(quick ? 1 : 5)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double plan = score(results, "plan");
        double ours = score(results, "kmeans");
        double theirs = score(results, "commonsMathKMeans");
        double planBest = best(results, "plan");
        double oursBest = best(results, "kmeans");
        double theirsBest = best(results, "commonsMathKMeans");

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long empty = memory.getHeapMemoryUsage().getUsed();
        List<DirectoryEntry> directory = GeoCampaignBenchmark.directory(GeoCampaignBenchmark.USERS, 7);
        System.gc();
        long input = memory.getHeapMemoryUsage().getUsed() - empty;
        Campaign campaign = GeoCampaignBenchmark.campaign();
        GeoCampaignBenchmark.plan(campaign, directory); // warm-up, so allocation is the JIT-compiled code's
        Measured<ClusterChoice.Choice> planRun = measure(() -> GeoCampaignBenchmark.plan(campaign, directory));
        FeatureMatrix matrix = CampaignFeatures.of(campaign, new Preselection(campaign).select(directory));
        Measured<Clustering> oursRun = measure(() -> GeoCampaignBenchmark.ours().cluster(matrix));
        List<DoublePoint> points = GeoCampaignBenchmark.points(matrix);
        int iterations = oursRun.value().iterations();
        Measured<List<CentroidCluster<DoublePoint>>> theirsRun =
                measure(() -> GeoCampaignBenchmark.commonsMath(iterations).cluster(points));
        double theirInertia = GeoCampaignBenchmark.inertia(theirsRun.value());

        out.println();
        out.printf("%-48s %-20s %-40s %-8s%n", "measure", "result", "compared with", "goal");
        out.printf("%-48s %-20s %-40s %-8s%n", "plan 1,000,000 users x 6 features, K=10, 1 core",
                String.format("%,.0f ms (best %,.0f)", plan, planBest), "preselect + normalize + k-means + choice", "");
        out.printf("%-48s %-20s %-40s %-8s%n", "k-means alone (flat arrays, bounds)",
                String.format("%,.0f ms (best %,.0f)", ours, oursBest),
                String.format("Commons Math 3.6.1: %,.0f ms (best %,.0f)", theirs, theirsBest), "");
        out.printf("%-48s %-20s %-40s %-8s%n", "k-means time, ours / Commons Math",
                String.format("%.2fx (best %.2fx)", ours / theirs, oursBest / theirsBest),
                "same seed, " + iterations + " iterations each", "<= 1.0x");
        out.printf("%-48s %-20s %-40s %-8s%n", "inertia, ours / Commons Math", String.format("%.6f", oursRun.value().inertia()),
                String.format("%.6f", theirInertia), "equal");
        out.printf("%-48s %-20s %-40s %-8s%n", "iterations (stop: every centroid moves < 1e-4)",
                iterations + (oursRun.value().converged() ? " (converged)" : " (limit)"), "limit 100", "");
        out.printf("%-48s %-20s %-40s %-8s%n", "targets chosen", String.format("%,d (%.1f %%)",
                planRun.value().chosenSize(), 100.0 * planRun.value().chosenSize() / matrix.rows()),
                String.format("%,d preselected", matrix.rows()), "");
        out.printf("%-48s %-20s %-40s %-8s%n", "allocated per plan / per k-means",
                mb(planRun.allocated()) + " / " + mb(oursRun.allocated()),
                "Commons Math k-means: " + mb(theirsRun.allocated()), "");
        out.printf("%-48s %-20s %-40s %-8s%n", "peak heap above the input, plan / k-means",
                mb(planRun.peak()) + " / " + mb(oursRun.peak()), "Commons Math k-means: " + mb(theirsRun.peak()), "");
        out.printf("%-48s %-20s %-40s %-8s%n", "the input: 1,000,000 directory entries in memory", mb(input),
                "", "");
        out.printf("machine: %d cores, Java %d%n", Runtime.getRuntime().availableProcessors(), Runtime.version().feature());
        out.flush();
        return 0;
    }

    private record Measured<T>(T value, long allocated, long peak) {
    }

    /**
     * Runs {@code work} once: bytes it allocated (the thread's allocation counter) and the highest heap
     * use seen above the heap in use before it (sampled every millisecond after a full GC, so it
     * includes garbage not yet collected: what the JVM needed at that heap size).
     */
    private static <T> Measured<T> measure(Supplier<T> work) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        T value = work.get();
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        sampler.interrupt();
        sampler.join();
        return new Measured<>(value, allocated, peak.get() - before);
    }

    private static String mb(long bytes) {
        return String.format("%,.0f MB", bytes / 1e6);
    }

    private static double score(Collection<RunResult> results, String method) {
        return result(results, method).getPrimaryResult().getScore();
    }

    /** The fastest shot: on a shared machine, the one least disturbed by other work. */
    private static double best(Collection<RunResult> results, String method) {
        return result(results, method).getPrimaryResult().getStatistics().getMin();
    }

    private static RunResult result(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .findFirst().orElseThrow();
    }
}
