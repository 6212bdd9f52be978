package dev.winback.core.geo;

import dev.winback.core.policy.Policy;
import java.util.Arrays;
import java.util.Random;

/**
 * k-means over points held in one flat row-major array (n × d): k-means++ seeding, then Lloyd
 * iterations until every centroid moves less than ε (Euclidean) or the iteration limit is reached (D4).
 *
 * <p><b>Determinism.</b> The seeding draws from {@link java.util.Random} seeded with {@code seed}, so
 * the same points in the same order with the same seed always give the same clusters. The draws are
 * those of Apache Commons Math 3's {@code KMeansPlusPlusClusterer} with a {@code JDKRandomGenerator} of
 * the same seed (first centre uniform, each next one with probability proportional to its squared
 * distance to the nearest chosen centre, cumulative over the points not yet chosen), and one iteration
 * here is one of its iterations (new centroids as the mean of the members, then reassignment), which is
 * what lets the benchmark compare the two on equal terms.
 *
 * <p><b>Edge cases.</b> With fewer distinct points than k, seeding stops once every remaining point sits
 * on a chosen centre, so the result has fewer clusters (k > n gives at most n; identical points give
 * one). A cluster that loses all its points during the iterations is re-seeded at the point farthest from
 * its own centroid (the one worst served, a deterministic choice), and the iterations go on.
 *
 * <p><b>Cost.</b> Each iteration is one pass over the points computing k squared distances per point and
 * accumulating the next centroids' sums in the same pass; memory beyond the points is n ints for the
 * assignments and a few k × d arrays.
 */
public final class KMeans {

    private final int k;
    private final double epsilon;
    private final int maxIterations;
    private final long seed;

    public KMeans(int k, double epsilon, int maxIterations, long seed) {
        if (k < 1 || !(epsilon >= 0) || maxIterations < 1) {
            throw new IllegalArgumentException("k-means needs k ≥ 1, ε ≥ 0 and at least one iteration; got k=" + k
                    + ", ε=" + epsilon + ", maxIterations=" + maxIterations);
        }
        this.k = k;
        this.epsilon = epsilon;
        this.maxIterations = maxIterations;
        this.seed = seed;
    }

    /** K, ε and the iteration limit from the policy's {@code geo} section. */
    public static KMeans of(Policy.Geo geo, long seed) {
        return new KMeans(geo.k(), geo.epsilon(), geo.maxIterations(), seed);
    }

    public Clustering cluster(FeatureMatrix matrix) {
        return cluster(matrix.values(), matrix.rows(), matrix.columns());
    }

    /** Clusters the {@code n} points of {@code points} (row-major, {@code d} values each; not modified). */
    public Clustering cluster(double[] points, int n, int d) {
        if (n < 0 || d < 1 || points.length != (long) n * d) {
            throw new IllegalArgumentException("expected " + n + " x " + d + " values, got " + points.length);
        }
        if (n == 0) {
            return new Clustering(0, d, new int[0], new double[0], new int[0], 0, 0, true);
        }
        return lloyd(points, n, d, seed(points, n, d));
    }

    /** Lloyd iterations from the given centres (row-major, at least one); the points are not modified. */
    Clustering lloyd(double[] points, int n, int d, double[] initial) {
        double[] centroids = initial.clone();
        int clusters = centroids.length / d;
        int[] assignments = new int[n];
        double[] sums = new double[clusters * d];
        int[] counts = new int[clusters];
        double inertia = assign(points, n, d, centroids, clusters, assignments, sums, counts);
        double[] next = new double[clusters * d];
        int iterations = 0;
        boolean converged = false;
        while (iterations < maxIterations) {
            iterations++;
            for (int c = 0; c < clusters; c++) {
                for (int j = 0; j < d; j++) {
                    // Divide (not multiply by 1/count) to get the mean exactly as Commons Math does.
                    next[c * d + j] = counts[c] == 0 ? Double.NaN : sums[c * d + j] / counts[c];
                }
            }
            reseedEmpty(points, n, d, next, clusters, assignments, counts);
            double maxShift = 0;
            for (int c = 0; c < clusters; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = next[c * d + j] - centroids[c * d + j];
                    s += diff * diff;
                }
                maxShift = Math.max(maxShift, s);
            }
            double[] swap = centroids;
            centroids = next;
            next = swap;
            inertia = assign(points, n, d, centroids, clusters, assignments, sums, counts);
            if (Math.sqrt(maxShift) < epsilon) {
                converged = true;
                break;
            }
        }
        return new Clustering(clusters, d, assignments, centroids, counts, inertia, iterations, converged);
    }

    /** k-means++ seeding (see the class comment); returns the chosen centres, row-major. */
    private double[] seed(double[] points, int n, int d) {
        Random random = new Random(seed);
        double[] centres = new double[Math.min(k, n) * d];
        boolean[] taken = new boolean[n];
        double[] minDist = new double[n];
        int first = random.nextInt(n);
        taken[first] = true;
        System.arraycopy(points, first * d, centres, 0, d);
        for (int i = 0; i < n; i++) {
            minDist[i] = i == first ? 0 : squaredDistance(points, i * d, centres, 0, d);
        }
        int chosen = 1;
        while (chosen < centres.length / d) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    sum += minDist[i];
                }
            }
            if (sum == 0) {
                break; // every point left sits on a centre: there are no more distinct centres to find
            }
            double r = random.nextDouble() * sum;
            int pick = -1;
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    cumulative += minDist[i];
                    if (cumulative >= r) {
                        pick = i;
                        break;
                    }
                }
            }
            if (pick < 0) { // rounding left r above the total: take the last point still free
                for (int i = n - 1; i >= 0 && pick < 0; i--) {
                    pick = taken[i] ? -1 : i;
                }
            }
            taken[pick] = true;
            int at = chosen * d;
            System.arraycopy(points, pick * d, centres, at, d);
            chosen++;
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    double dist = squaredDistance(points, i * d, centres, at, d);
                    if (dist < minDist[i]) {
                        minDist[i] = dist;
                    }
                }
            }
        }
        return chosen * d == centres.length ? centres : Arrays.copyOf(centres, chosen * d);
    }

    /**
     * Assigns every point to its nearest centroid (the first on a tie), accumulating each cluster's
     * coordinate sums and size for the next update; returns the inertia.
     */
    private static double assign(double[] points, int n, int d, double[] centroids, int clusters,
                                 int[] assignments, double[] sums, int[] counts) {
        return d == 6 ? assign6(points, n, centroids, clusters, assignments, sums, counts)
                : assignAny(points, n, d, centroids, clusters, assignments, sums, counts);
    }

    private static double assignAny(double[] points, int n, int d, double[] centroids, int clusters,
                                    int[] assignments, double[] sums, int[] counts) {
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
        double inertia = 0;
        for (int i = 0, at = 0; i < n; i++, at += d) {
            int best = 0;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0, ct = 0; c < clusters; c++, ct += d) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = centroids[ct + j] - points[at + j];
                    s += diff * diff;
                }
                if (s < bestDist) {
                    bestDist = s;
                    best = c;
                }
            }
            assignments[i] = best;
            counts[best]++;
            inertia += bestDist;
            for (int j = 0, st = best * d; j < d; j++) {
                sums[st + j] += points[at + j];
            }
        }
        return inertia;
    }

    /**
     * {@link #assignAny} for the six campaign features, unrolled: the same arithmetic in the same order
     * (so the same results), about three times faster because the JIT cannot unroll a loop whose
     * length is only known at run time.
     */
    private static double assign6(double[] points, int n, double[] centroids, int clusters,
                                  int[] assignments, double[] sums, int[] counts) {
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
        double inertia = 0;
        for (int i = 0, at = 0; i < n; i++, at += 6) {
            double p0 = points[at];
            double p1 = points[at + 1];
            double p2 = points[at + 2];
            double p3 = points[at + 3];
            double p4 = points[at + 4];
            double p5 = points[at + 5];
            int best = 0;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0, ct = 0; c < clusters; c++, ct += 6) {
                double d0 = centroids[ct] - p0;
                double d1 = centroids[ct + 1] - p1;
                double d2 = centroids[ct + 2] - p2;
                double d3 = centroids[ct + 3] - p3;
                double d4 = centroids[ct + 4] - p4;
                double d5 = centroids[ct + 5] - p5;
                double s = d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5;
                if (s < bestDist) {
                    bestDist = s;
                    best = c;
                }
            }
            assignments[i] = best;
            counts[best]++;
            inertia += bestDist;
            int st = best * 6;
            sums[st] += p0;
            sums[st + 1] += p1;
            sums[st + 2] += p2;
            sums[st + 3] += p3;
            sums[st + 4] += p4;
            sums[st + 5] += p5;
        }
        return inertia;
    }

    /** Moves each empty cluster's centroid onto the point farthest from its own centroid. */
    private static void reseedEmpty(double[] points, int n, int d, double[] centroids, int clusters,
                                    int[] assignments, int[] counts) {
        boolean[] used = null;
        for (int e = 0; e < clusters; e++) {
            if (counts[e] != 0) {
                continue;
            }
            used = used == null ? new boolean[n] : used;
            int farthest = -1;
            double farthestDist = -1;
            for (int i = 0; i < n; i++) {
                int own = assignments[i];
                if (used[i] || counts[own] == 0) {
                    continue;
                }
                double dist = squaredDistance(points, i * d, centroids, own * d, d);
                if (dist > farthestDist) {
                    farthestDist = dist;
                    farthest = i;
                }
            }
            if (farthest < 0) {
                farthest = 0;
            }
            used[farthest] = true;
            System.arraycopy(points, farthest * d, centroids, e * d, d);
        }
    }

    private static double squaredDistance(double[] a, int aAt, double[] b, int bAt, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double diff = a[aAt + j] - b[bAt + j];
            s += diff * diff;
        }
        return s;
    }
}
