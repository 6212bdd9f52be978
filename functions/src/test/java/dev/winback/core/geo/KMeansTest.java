package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.testing.Policies;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** k-means++ and Lloyd over flat arrays: recovery, determinism, the ε stop and the degenerate inputs. */
class KMeansTest {

    /** {@code perBlob} points around each of {@code centres} (row-major), Gaussian with {@code spread}. */
    private static double[] blobs(double[][] centres, int perBlob, double spread, long seed) {
        Random random = new Random(seed);
        int d = centres[0].length;
        double[] points = new double[centres.length * perBlob * d];
        for (int b = 0; b < centres.length; b++) {
            for (int i = 0; i < perBlob; i++) {
                for (int j = 0; j < d; j++) {
                    points[((b * perBlob) + i) * d + j] = centres[b][j] + spread * random.nextGaussian();
                }
            }
        }
        return points;
    }

    private static final double[][] THREE = {{0.1, 0.1, 0.2}, {0.9, 0.2, 0.5}, {0.5, 0.9, 0.9}};

    @Test
    void recoversWellSeparatedClusters() {
        int perBlob = 400;
        double[] points = blobs(THREE, perBlob, 0.03, 1);
        Clustering result = new KMeans(3, 1e-6, 100, 42).cluster(points, 3 * perBlob, 3);

        assertEquals(3, result.k());
        assertTrue(result.converged());
        Set<Integer> labels = new HashSet<>();
        for (int b = 0; b < 3; b++) {
            int label = result.assignments()[b * perBlob];
            labels.add(label);
            for (int i = 0; i < perBlob; i++) {
                assertEquals(label, result.assignments()[b * perBlob + i], "blob " + b + " point " + i);
            }
            for (int j = 0; j < 3; j++) {
                assertEquals(THREE[b][j], result.centroid(label, j), 0.01);
            }
            assertEquals(perBlob, result.sizes()[label]);
        }
        assertEquals(3, labels.size());
        // Expected inertia: n * d * spread^2 (the Gaussian noise around each centre).
        assertEquals(3 * perBlob * 3 * 0.03 * 0.03, result.inertia(), 0.15 * 3 * perBlob * 3 * 0.03 * 0.03);
    }

    @Test
    void theSameSeedGivesTheSameClustersAndAnotherSeedStartsElsewhere() {
        double[] points = blobs(new double[][] {{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0.5, 0.5}}, 200, 0.3, 2);
        Clustering a = new KMeans(5, 1e-4, 100, 7).cluster(points, 1000, 2);
        Clustering b = new KMeans(5, 1e-4, 100, 7).cluster(points, 1000, 2);
        assertArrayEquals(a.assignments(), b.assignments());
        assertArrayEquals(a.centroids(), b.centroids());
        assertEquals(a.inertia(), b.inertia());
        assertEquals(a.iterations(), b.iterations());

        Clustering firstStep = new KMeans(5, 1e-4, 1, 7).cluster(points, 1000, 2);
        Clustering otherSeed = new KMeans(5, 1e-4, 1, 8).cluster(points, 1000, 2);
        assertFalse(Arrays.equals(firstStep.centroids(), otherSeed.centroids()), "seeding depends on the seed");
    }

    @Test
    void stopsWhenEveryCentroidMovesLessThanEpsilon() {
        // Overlapping blobs converge slowly: many small moves before they settle.
        double[] points = blobs(new double[][] {{0, 0}, {0.3, 0.3}, {0.6, 0}}, 500, 0.25, 3);
        Clustering fine = new KMeans(3, 1e-9, 500, 1).cluster(points, 1500, 2);
        Clustering coarse = new KMeans(3, 0.05, 500, 1).cluster(points, 1500, 2);
        assertTrue(fine.converged());
        assertTrue(coarse.converged());
        assertTrue(coarse.iterations() < fine.iterations(), coarse.iterations() + " vs " + fine.iterations());
        assertTrue(fine.iterations() > 3);

        // The run one iteration shorter was not yet converged at its end.
        Clustering cut = new KMeans(3, 1e-9, fine.iterations() - 1, 1).cluster(points, 1500, 2);
        assertFalse(cut.converged());
        assertEquals(fine.iterations() - 1, cut.iterations());
        assertTrue(cut.inertia() >= fine.inertia() - 1e-12, "Lloyd never increases the inertia");

        Clustering huge = new KMeans(3, 100, 500, 1).cluster(points, 1500, 2);
        assertEquals(1, huge.iterations(), "any move is below a huge epsilon");
        assertTrue(huge.converged());
    }

    @Test
    void moreClustersThanPointsGivesOneClusterPerPoint() {
        double[] points = {0, 0, 1, 1, 5, 5};
        Clustering result = new KMeans(10, 1e-4, 100, 1).cluster(points, 3, 2);
        assertEquals(3, result.k());
        assertEquals(0, result.inertia());
        assertEquals(3, Arrays.stream(result.assignments()).distinct().count());
        assertArrayEquals(new int[] {1, 1, 1}, result.sizes());
    }

    @Test
    void identicalPointsMakeOneCluster() {
        double[] points = new double[60 * 6];
        Arrays.fill(points, 0.25);
        Clustering result = new KMeans(10, 1e-4, 100, 1).cluster(points, 60, 6);
        assertEquals(1, result.k());
        assertEquals(0, result.inertia());
        assertTrue(result.converged());
        assertArrayEquals(new int[] {60}, result.sizes());

        double[] two = new double[40];
        for (int i = 20; i < 40; i++) {
            two[i] = 1; // rows 0-9 at (0, 0), rows 10-19 at (1, 1)
        }
        Clustering pair = new KMeans(10, 1e-4, 100, 1).cluster(two, 20, 2);
        assertEquals(2, pair.k(), "never more clusters than distinct points");
        assertEquals(0, pair.inertia());
    }

    @Test
    void anEmptiedClusterIsReseededAtTheWorstServedPoint() {
        double[] points = {0, 1, 10, 11};
        // The third centre attracts nobody at first.
        Clustering result = new KMeans(3, 1e-9, 100, 1).lloyd(points, 4, 1, new double[] {0.5, 10.5, 100});
        assertEquals(3, result.k());
        for (int size : result.sizes()) {
            assertTrue(size > 0, Arrays.toString(result.sizes()));
        }
        assertEquals(0.5, result.inertia(), 1e-12, "{0}, {1}, {10, 11}");
        assertNotEquals(result.assignments()[0], result.assignments()[1]);
        assertEquals(result.assignments()[2], result.assignments()[3]);
    }

    @Test
    void theBoundsSkipOnlyWhatAPlainLloydScanWouldNotChange() {
        for (long seed = 1; seed <= 5; seed++) {
            int n = 4000;
            double[] points = blobs(new double[][] {{0, 0, 0}, {0.4, 0.4, 0.1}, {0.8, 0, 0.3}, {0.2, 0.9, 0.9}}, n / 4,
                    0.2, seed);
            KMeans kMeans = new KMeans(7, 1e-6, 60, seed);
            Clustering fast = kMeans.cluster(points, n, 3);
            // Plain Lloyd from the same k-means++ centres, for the same number of iterations.
            int[] plain = plainLloyd(points, n, 3, kMeans.seedCentres(points, n, 3), fast.iterations());
            assertArrayEquals(plain, fast.assignments(), "seed " + seed);
            assertTrue(fast.iterations() > 5, "enough iterations for the bounds to skip work: " + fast.iterations());
        }
    }

    /** Textbook Lloyd: assign every point by a full scan, recompute means, {@code iterations} times. */
    private static int[] plainLloyd(double[] points, int n, int d, double[] centres, int iterations) {
        int k = centres.length / d;
        double[] c = centres.clone();
        int[] assignment = new int[n];
        for (int it = 0; it <= iterations; it++) {
            if (it > 0) {
                double[] sums = new double[k * d];
                int[] counts = new int[k];
                for (int i = 0; i < n; i++) {
                    counts[assignment[i]]++;
                    for (int j = 0; j < d; j++) {
                        sums[assignment[i] * d + j] += points[i * d + j];
                    }
                }
                for (int x = 0; x < k; x++) {
                    for (int j = 0; j < d; j++) {
                        c[x * d + j] = sums[x * d + j] / counts[x];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                double best = Double.POSITIVE_INFINITY;
                for (int x = 0; x < k; x++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += (c[x * d + j] - points[i * d + j]) * (c[x * d + j] - points[i * d + j]);
                    }
                    if (s < best) {
                        best = s;
                        assignment[i] = x;
                    }
                }
            }
        }
        return assignment;
    }

    @Test
    void noPointsAndBadSettings() {
        Clustering none = new KMeans(10, 1e-4, 100, 1).cluster(new double[0], 0, 6);
        assertEquals(0, none.k());
        assertEquals(0, none.assignments().length);
        assertThrows(IllegalArgumentException.class, () -> new KMeans(0, 1e-4, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(3, -1, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(3, 1e-4, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(3, 1e-4, 10, 1).cluster(new double[5], 3, 2));
    }

    @Test
    void thePolicyGivesKEpsilonAndTheIterationLimit() {
        Policy.Geo geo = Policies.DEFAULTS.geo();
        assertEquals(10, geo.k());
        assertEquals(1e-4, geo.epsilon());
        assertEquals(100, geo.maxIterations());
        double[] points = blobs(THREE, 100, 0.05, 4);
        Clustering fromPolicy = KMeans.of(geo, 9).cluster(points, 300, 3);
        Clustering explicit = new KMeans(10, 1e-4, 100, 9).cluster(points, 300, 3);
        assertArrayEquals(explicit.assignments(), fromPolicy.assignments());
        assertEquals(10, fromPolicy.k());
    }
}
