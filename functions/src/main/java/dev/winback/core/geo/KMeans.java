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
 * <p><b>Cost.</b> The iterations use Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM
 * 2010): each point keeps an upper bound on the distance to its centroid and a lower bound on the
 * distance to any other, both moved by how far the centroids moved; a point whose bounds show it
 * cannot have changed cluster costs no distance computation, and after the first few iterations that
 * is most points. The assignments are those of plain Lloyd iterations (a point is only skipped when
 * its centroid is strictly nearest; otherwise its distances are computed as a plain scan would).
 * Memory beyond the points: n ints for the assignments, 2n doubles for the bounds, n doubles and n
 * booleans while seeding, and a few k × d arrays.
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
        return lloyd(points, n, d, seedCentres(points, n, d));
    }

    /** Lloyd iterations from the given centres (row-major, at least one); the points are not modified. */
    Clustering lloyd(double[] points, int n, int d, double[] initial) {
        double[] centroids = initial.clone();
        int clusters = centroids.length / d;
        int[] assignments = new int[n];
        double[] upper = new double[n];
        double[] lower = new double[n];
        for (int i = 0; i < n; i++) {
            nearest(points, i, d, centroids, clusters, assignments, upper, lower);
        }
        double[] sums = new double[clusters * d];
        int[] counts = new int[clusters];
        accumulate(points, n, d, assignments, sums, counts);
        double[] next = new double[clusters * d];
        double[] shifts = new double[clusters];
        double[] half = new double[clusters];
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
            double secondShift = 0;
            int mostShifted = -1;
            for (int c = 0; c < clusters; c++) {
                shifts[c] = Math.sqrt(squaredDistance(next, c * d, centroids, c * d, d));
                if (shifts[c] > maxShift) {
                    secondShift = maxShift;
                    maxShift = shifts[c];
                    mostShifted = c;
                } else if (shifts[c] > secondShift) {
                    secondShift = shifts[c];
                }
            }
            double[] swap = centroids;
            centroids = next;
            next = swap;
            halfGaps(centroids, clusters, d, half);
            for (int i = 0; i < n; i++) {
                int a = assignments[i];
                // Hamerly's bounds, moved by how far the centroids moved.
                double u = upper[i] + shifts[a];
                double l = lower[i] - (a == mostShifted ? secondShift : maxShift);
                double bound = Math.max(half[a], l);
                if (u < bound) {
                    upper[i] = u;
                    lower[i] = l;
                    continue; // provably still nearest to its centroid: no distance computed
                }
                u = Math.sqrt(squaredDistance(points, i * d, centroids, a * d, d));
                if (u < bound) {
                    upper[i] = u;
                    lower[i] = l;
                    continue;
                }
                nearest(points, i, d, centroids, clusters, assignments, upper, lower);
            }
            accumulate(points, n, d, assignments, sums, counts);
            if (maxShift < epsilon) {
                converged = true;
                break;
            }
        }
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            inertia += squaredDistance(points, i * d, centroids, assignments[i] * d, d);
        }
        return new Clustering(clusters, d, assignments, centroids, counts, inertia, iterations, converged);
    }

    /** k-means++ seeding (see the class comment); returns the chosen centres, row-major. */
    double[] seedCentres(double[] points, int n, int d) {
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
     * Assigns point {@code i} to its nearest centroid (the first on a tie, as a plain scan would), and
     * sets its bounds: the distance to that centroid and to the second nearest.
     */
    private static void nearest(double[] points, int i, int d, double[] centroids, int clusters, int[] assignments,
                                double[] upper, double[] lower) {
        int at = i * d;
        int best = 0;
        double bestDist = Double.POSITIVE_INFINITY;
        double secondDist = Double.POSITIVE_INFINITY;
        for (int c = 0, ct = 0; c < clusters; c++, ct += d) {
            double s = squaredDistance(centroids, ct, points, at, d);
            if (s < bestDist) {
                secondDist = bestDist;
                bestDist = s;
                best = c;
            } else if (s < secondDist) {
                secondDist = s;
            }
        }
        assignments[i] = best;
        upper[i] = Math.sqrt(bestDist);
        lower[i] = Math.sqrt(secondDist);
    }

    /**
     * Each cluster's coordinate sums and size, adding the points in index order: the same additions in
     * the same order as Commons Math's centroid computation, so equal assignments give equal centroids.
     */
    private static void accumulate(double[] points, int n, int d, int[] assignments, double[] sums, int[] counts) {
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
        for (int i = 0, at = 0; i < n; i++, at += d) {
            int c = assignments[i];
            counts[c]++;
            for (int j = 0, st = c * d; j < d; j++) {
                sums[st + j] += points[at + j];
            }
        }
    }

    /** Half the distance from each centroid to its nearest other centroid (infinite when alone). */
    private static void halfGaps(double[] centroids, int clusters, int d, double[] half) {
        Arrays.fill(half, Double.POSITIVE_INFINITY);
        for (int a = 0; a < clusters; a++) {
            for (int b = a + 1; b < clusters; b++) {
                double gap = 0.5 * Math.sqrt(squaredDistance(centroids, a * d, centroids, b * d, d));
                half[a] = Math.min(half[a], gap);
                half[b] = Math.min(half[b], gap);
            }
        }
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

    /**
     * Σ (a − b)² over {@code d} coordinates, summed in coordinate order; unrolled for the six campaign
     * features (same arithmetic, same order), which the JIT cannot do for a length known only at run time.
     */
    private static double squaredDistance(double[] a, int aAt, double[] b, int bAt, int d) {
        if (d == 6) {
            double d0 = a[aAt] - b[bAt];
            double d1 = a[aAt + 1] - b[bAt + 1];
            double d2 = a[aAt + 2] - b[bAt + 2];
            double d3 = a[aAt + 3] - b[bAt + 3];
            double d4 = a[aAt + 4] - b[bAt + 4];
            double d5 = a[aAt + 5] - b[bAt + 5];
            return d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5;
        }
        double s = 0;
        for (int j = 0; j < d; j++) {
            double diff = a[aAt + j] - b[bAt + j];
            s += diff * diff;
        }
        return s;
    }
}
