package dev.winback.core.geo;

/**
 * What {@link KMeans} found: for each point its cluster ({@code assignments[i]} in [0, k)), the
 * {@code k} centroids in one row-major array ({@code k × dimensions}), each cluster's size, the
 * inertia (sum of squared distances of the points to their centroid), the number of Lloyd iterations
 * run, and whether they stopped because every centroid moved less than ε (rather than at the
 * iteration limit). {@code k} may be smaller than asked for: never more clusters than distinct points.
 */
public record Clustering(int k, int dimensions, int[] assignments, double[] centroids, int[] sizes,
                         double inertia, int iterations, boolean converged) {

    /** Coordinate {@code j} of centroid {@code cluster}. */
    public double centroid(int cluster, int j) {
        return centroids[cluster * dimensions + j];
    }
}
