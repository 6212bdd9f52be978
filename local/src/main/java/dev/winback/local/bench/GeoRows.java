package dev.winback.local.bench;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.CampaignFeatures;
import dev.winback.core.geo.ClusterChoice;
import dev.winback.core.geo.Clustering;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.FeatureMatrix;
import dev.winback.core.geo.Preselection;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.openjdk.jmh.util.Statistics;

/**
 * Site campaign planning (issue #6): {@link GeoCampaignBenchmark} timed by JMH (single shots in a 6 GB
 * fork; ours and Commons Math's k-means in the same run), then measured in this JVM what JMH does not:
 * bytes allocated and peak heap of one run of each, and both inertias, which must agree for the time
 * comparison to mean anything.
 */
final class GeoRows {

    /** Single shots, 3 warm-up + 5 measured; {@code --quick}: 100,000 users, 1 + 1. */
    static final JmhGroup GROUP = new JmhGroup("geo", List.of("-Xms6g", "-Xmx6g"), 3, 5, 0, Map.of(),
            Map.of("users", "100000"));

    private GeoRows() {
    }

    static List<BenchRow> rows(BenchRun run) throws InterruptedException {
        org.openjdk.jmh.results.RunResult planResult = run.jmh(GeoCampaignBenchmark.class, "plan");
        int users = Integer.parseInt(planResult.getParams().getParam("users")); // the population JMH ran
        Statistics plan = planResult.getPrimaryResult().getStatistics();
        Statistics ours = run.jmh(GeoCampaignBenchmark.class, "kmeans").getPrimaryResult().getStatistics();
        Statistics theirs = run.jmh(GeoCampaignBenchmark.class, "commonsMathKMeans").getPrimaryResult().getStatistics();

        List<DirectoryEntry> directory = GeoCampaignBenchmark.directory(users, 7);
        Campaign campaign = GeoCampaignBenchmark.campaign();
        GeoCampaignBenchmark.plan(campaign, directory); // warm-up, so allocation is the JIT-compiled code's
        Measured<ClusterChoice.Choice> planRun = measure(() -> GeoCampaignBenchmark.plan(campaign, directory));
        FeatureMatrix matrix = CampaignFeatures.of(campaign, new Preselection(campaign).select(directory));
        Measured<Clustering> oursRun = measure(() -> GeoCampaignBenchmark.ours().cluster(matrix));
        List<DoublePoint> points = GeoCampaignBenchmark.points(matrix);
        int iterations = oursRun.value().iterations();
        Measured<List<CentroidCluster<DoublePoint>>> theirsRun =
                measure(() -> GeoCampaignBenchmark.commonsMath(iterations).cluster(points));
        double ourInertia = oursRun.value().inertia();
        double theirInertia = GeoCampaignBenchmark.inertia(theirsRun.value());
        String population = String.format("%,d users x 6 features, K = 10, 1 core", users);

        return List.of(
                BenchRow.of("kmeans", "plan a campaign: " + population,
                        "preselect + normalize + k-means + choice", String.format("%,.0f ms mean (best %,.0f)",
                                plan.getMean(), plan.getMin())),
                BenchRow.of("kmeans", "k-means time, ours / Apache Commons Math 3.6.1",
                                String.format("Commons Math: %,.0f ms mean (best %,.0f)", theirs.getMean(), theirs.getMin()),
                                String.format("ours: %,.0f ms mean (best %,.0f), %d iterations", ours.getMean(), ours.getMin(),
                                        iterations))
                        .ratio(ours.getMean() / theirs.getMean()).goal("<= 1.0x", ours.getMean() <= theirs.getMean()),
                BenchRow.of("kmeans", "k-means inertia, ours vs Commons Math (same seed and iterations)",
                                String.format("Commons Math: %.6f", theirInertia), String.format("ours: %.6f", ourInertia))
                        .ratio(ourInertia / theirInertia)
                        .goal("equal", Math.abs(ourInertia - theirInertia) <= 1e-6 * Math.abs(theirInertia)),
                BenchRow.of("kmeans", "memory allocated per k-means",
                                "Commons Math k-means: " + mb(theirsRun.allocated()), "ours: " + mb(oursRun.allocated())
                                        + " (whole plan " + mb(planRun.allocated()) + ")")
                        .ratio((double) oursRun.allocated() / theirsRun.allocated()),
                BenchRow.of("kmeans", "targets chosen", String.format("%,d preselected", matrix.rows()),
                        String.format("%,d (%.1f %%)", planRun.value().chosenSize(),
                                100.0 * planRun.value().chosenSize() / matrix.rows())));
    }

    private record Measured<T>(T value, long allocated, long peak) {
    }

    /**
     * Runs {@code work} once: bytes it allocated (the thread's allocation counter) and the highest heap
     * use seen above the heap in use before it (sampled every millisecond after a full GC).
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
}
