package dev.winback.local.bench;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.CampaignFeatures;
import dev.winback.core.geo.CampaignKind;
import dev.winback.core.geo.Candidate;
import dev.winback.core.geo.ClusterChoice;
import dev.winback.core.geo.Clustering;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.FeatureMatrix;
import dev.winback.core.geo.KMeans;
import dev.winback.core.geo.Preselection;
import dev.winback.core.geo.PriceItem;
import dev.winback.core.geo.Role;
import dev.winback.core.geo.Site;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Site campaign planning at scale (D3–D4): one million directory users around a depot, six features,
 * K = 10, on one core. {@link #plan} is the whole pure pipeline (preselection with the distance check,
 * feature normalization, k-means, cluster choice); {@link #kmeans} is our k-means alone on the
 * normalized matrix, and {@link #commonsMathKMeans} is Apache Commons Math 3.6.1's
 * {@code KMeansPlusPlusClusterer} on the same matrix, with the same seed (a {@code JDKRandomGenerator}
 * draws what our seeding draws) and our run's iteration count as its limit, so both do the same work
 * and end at the same inertia.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GeoCampaignBenchmark {

    public static final int USERS = 1_000_000;
    public static final int K = 10;
    public static final double EPSILON = 1e-4;
    public static final int MAX_ITERATIONS = 100;
    public static final int SEED = 42;
    public static final Site DEPOT = new Site("site-benxi", "辽宁吉和源本溪溪湖中心基地", 41.33, 123.76);
    public static final Instant NOW = Instant.parse("2026-10-23T02:00:00Z");

    /** Directory users; {@code winback bench --quick} runs a tenth. */
    @Param("1000000")
    public int users;

    private List<DirectoryEntry> directory;
    private Campaign campaign;
    private FeatureMatrix matrix;
    private List<DoublePoint> points;
    private int iterations;

    @Setup(Level.Trial)
    public void directory() {
        directory = directory(users, 7);
        campaign = campaign();
        matrix = CampaignFeatures.of(campaign, new Preselection(campaign).select(directory));
        points = points(matrix);
        iterations = ours().cluster(matrix).iterations();
    }

    @Benchmark
    public ClusterChoice.Choice plan() {
        return plan(campaign, directory);
    }

    @Benchmark
    public Clustering kmeans() {
        return ours().cluster(matrix);
    }

    @Benchmark
    public List<CentroidCluster<DoublePoint>> commonsMathKMeans() {
        return commonsMath(iterations).cluster(points);
    }

    /** Preselect, normalize, cluster and choose: the planner's work without the per-target records. */
    public static ClusterChoice.Choice plan(Campaign campaign, List<DirectoryEntry> directory) {
        List<Candidate> candidates = new Preselection(campaign).select(directory);
        FeatureMatrix m = CampaignFeatures.of(campaign, candidates);
        return ClusterChoice.choose(m, ours().cluster(m));
    }

    public static KMeans ours() {
        return new KMeans(K, EPSILON, MAX_ITERATIONS, SEED);
    }

    /** Commons Math's k-means++ with our seed and a limit of {@code iterations}. */
    public static KMeansPlusPlusClusterer<DoublePoint> commonsMath(int iterations) {
        return new KMeansPlusPlusClusterer<>(K, iterations, new EuclideanDistance(), new JDKRandomGenerator(SEED));
    }

    /** The matrix's rows as Commons Math points (sharing nothing with the matrix). */
    public static List<DoublePoint> points(FeatureMatrix m) {
        List<DoublePoint> points = new ArrayList<>(m.rows());
        for (int i = 0; i < m.rows(); i++) {
            double[] row = new double[m.columns()];
            System.arraycopy(m.values(), i * m.columns(), row, 0, m.columns());
            points.add(new DoublePoint(row));
        }
        return points;
    }

    /** Sum of squared distances of Commons Math's points to their cluster's centre. */
    public static double inertia(List<CentroidCluster<DoublePoint>> clusters) {
        double inertia = 0;
        for (CentroidCluster<DoublePoint> cluster : clusters) {
            double[] centre = cluster.getCenter().getPoint();
            for (DoublePoint point : cluster.getPoints()) {
                double[] p = point.getPoint();
                double d = 0;
                for (int j = 0; j < p.length; j++) {
                    d += (p[j] - centre[j]) * (p[j] - centre[j]);
                }
                inertia += d;
            }
        }
        return inertia;
    }

    /** A purchase of scrap steel by the depot within 100 km. */
    public static Campaign campaign() {
        return new Campaign("bench-1023", CampaignKind.PURCHASE, DEPOT, List.of("废钢"), List.of("重废一"),
                List.of(new PriceItem("重废一", "3200", "-30"), new PriceItem("钢筋切粒", "2830", "40")),
                "https://example.com/p/1023", 100, LocalDate.of(2026, 10, 23), NOW, "zh-CN");
    }

    /**
     * {@code n} scrap-steel suppliers spread uniformly over the disk of 100 km around the depot, all of
     * whom the campaign preselects (the clustering then sees all n rows). Their business volume,
     * frequency, responsiveness, recency and conversion come from five trader profiles (yards,
     * collectors, demolition firms, occasional sellers, dormant accounts) with noise, so the
     * population has structure for k-means to find.
     */
    public static List<DirectoryEntry> directory(int n, long seed) {
        Random random = new Random(seed);
        double[][] profiles = { // tons/month, deals per 30 days, sensitivity, days since deal, conversion
                {400, 12, 0.8, 5, 0.40}, {60, 20, 0.6, 2, 0.25}, {900, 2, 0.4, 40, 0.15}, {20, 1, 0.3, 120, 0.05},
                {50, 0.2, 0.1, 300, 0.01}};
        List<String> categories = List.of("废钢");
        List<String> materials = List.of("重废一", "钢筋切粒");
        List<DirectoryEntry> entries = new ArrayList<>(n);
        double degreeKm = Math.PI * 6371.0088 / 180;
        for (int i = 0; i < n; i++) {
            double[] p = profiles[random.nextInt(profiles.length)];
            double km = 99.9 * Math.sqrt(random.nextDouble());
            double bearing = 2 * Math.PI * random.nextDouble();
            double lat = DEPOT.lat() + km * Math.cos(bearing) / degreeKm * 0.999;
            double lon = DEPOT.lon() + km * Math.sin(bearing) / (degreeKm * Math.cos(Math.toRadians(lat))) * 0.999;
            double tons = Math.max(0, p[0] * (1 + 0.3 * random.nextGaussian()));
            double frequency = Math.max(0, p[1] * (1 + 0.3 * random.nextGaussian()));
            double sensitivity = Math.min(1, Math.max(0, p[2] + 0.1 * random.nextGaussian()));
            double days = Math.max(0, p[3] * (1 + 0.5 * random.nextGaussian()));
            double conversion = Math.min(1, Math.max(0, p[4] + 0.05 * random.nextGaussian()));
            entries.add(new DirectoryEntry("u" + i, null, "+86138" + (10_000_000 + i), null, lat, lon, null,
                    Role.SUPPLIER, random.nextBoolean(), categories, materials, Map.of("monthlyTons", tons), Map.of(),
                    frequency, sensitivity, NOW.minusSeconds((long) (days * 86_400)), conversion, 0, 0));
        }
        return entries;
    }
}
