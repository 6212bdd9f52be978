package dev.winback.core.geo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which clusters of the preselected population become the campaign's target list (D4).
 *
 * <p><b>The rule.</b> A user's <i>match score</i> is the mean of their six normalized features (all
 * read higher = better, {@link CampaignFeatures}); a cluster's score is the mean match score of its
 * members. Every cluster whose score is at least the preselected population's mean score is chosen;
 * the others are not contacted.
 *
 * <p><b>Why this rule.</b> k-means groups users who look alike on distance, business, responsiveness,
 * recency, conversion and activity; a cluster scoring above the population's average is a group that
 * is, as a whole, a better match than a user drawn at random from the preselection, which is exactly
 * the untargeted baseline D8 compares against. The rule needs no extra tuning parameter (a fixed score
 * or share threshold would depend on how a site's neighbourhood happens to look), it always chooses at
 * least one cluster (the best cluster's score cannot be below a weighted mean of all cluster scores),
 * and when the population is uniform (every cluster scoring the same) it chooses all of it rather than
 * an arbitrary part. Members are scored rather than centroids so the rule holds exactly even when the
 * iterations stop at their limit before the centroids settle.
 */
public final class ClusterChoice {

    /** Scores closer than this count as equal (so a uniform population is chosen whole). */
    static final double TOLERANCE = 1e-9;

    private ClusterChoice() {
    }

    /** One cluster, its size, its mean match score, and whether it is chosen. */
    public record ClusterScore(int cluster, int size, double score, boolean chosen) {
    }

    /**
     * The clusters ranked best first, the population's mean score (the threshold), and a lookup of the
     * chosen clusters by number.
     */
    public record Choice(List<ClusterScore> ranked, double populationScore, boolean[] chosen) {

        public boolean isChosen(int cluster) {
            return chosen[cluster];
        }

        /** How many points the chosen clusters hold. */
        public int chosenSize() {
            return ranked.stream().filter(ClusterScore::chosen).mapToInt(ClusterScore::size).sum();
        }
    }

    /** Applies the rule to a clustering of {@code matrix}. */
    public static Choice choose(FeatureMatrix matrix, Clustering clustering) {
        int k = clustering.k();
        double[] sums = new double[k];
        int[] sizes = new int[k];
        double total = 0;
        int[] assignments = clustering.assignments();
        for (int i = 0; i < matrix.rows(); i++) {
            double score = matrix.rowMean(i);
            sums[assignments[i]] += score;
            sizes[assignments[i]]++;
            total += score;
        }
        double population = matrix.rows() == 0 ? 0 : total / matrix.rows();
        boolean[] chosen = new boolean[k];
        List<ClusterScore> ranked = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            double score = sizes[c] == 0 ? 0 : sums[c] / sizes[c];
            chosen[c] = sizes[c] > 0 && score >= population - TOLERANCE;
            ranked.add(new ClusterScore(c, sizes[c], score, chosen[c]));
        }
        ranked.sort(Comparator.comparingDouble(ClusterScore::score).reversed()
                .thenComparingInt(ClusterScore::cluster));
        return new Choice(List.copyOf(ranked), population, chosen);
    }
}
