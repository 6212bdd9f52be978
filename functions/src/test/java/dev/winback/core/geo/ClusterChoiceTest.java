package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The D4 choice: clusters whose members' mean match score is at least the population's. */
class ClusterChoiceTest {

    /** A matrix whose rows all hold {@code scores[i]} in each of two columns, clustered as {@code labels}. */
    private static ClusterChoice.Choice choose(double[] scores, int[] labels, int k) {
        double[] values = new double[scores.length * 2];
        for (int i = 0; i < scores.length; i++) {
            values[2 * i] = scores[i];
            values[2 * i + 1] = scores[i];
        }
        FeatureMatrix m = new FeatureMatrix(values, scores.length, 2, List.of("a", "b"), null);
        int[] sizes = new int[k];
        for (int label : labels) {
            sizes[label]++;
        }
        return ClusterChoice.choose(m, new Clustering(k, 2, labels, new double[k * 2], sizes, 0, 1, true));
    }

    @Test
    void clustersAtOrAboveThePopulationMeanAreChosenAndRankedBestFirst() {
        // cluster 0: mean 0.9 (2 users), cluster 1: mean 0.2 (4 users), cluster 2: mean 0.5 (2 users)
        double[] scores = {0.8, 1.0, 0.1, 0.3, 0.2, 0.2, 0.5, 0.5};
        int[] labels = {0, 0, 1, 1, 1, 1, 2, 2};
        ClusterChoice.Choice choice = choose(scores, labels, 3);

        assertEquals((0.8 + 1.0 + 0.1 + 0.3 + 0.2 + 0.2 + 0.5 + 0.5) / 8, choice.populationScore(), 1e-12);
        assertEquals(List.of(0, 2, 1), choice.ranked().stream().map(ClusterChoice.ClusterScore::cluster).toList());
        assertEquals(0.9, choice.ranked().get(0).score(), 1e-12);
        assertTrue(choice.isChosen(0));
        assertTrue(choice.isChosen(2), "0.5 is above the population's 0.45");
        assertFalse(choice.isChosen(1));
        assertEquals(4, choice.chosenSize());
    }

    @Test
    void aUniformPopulationIsChosenWhole() {
        double[] scores = {0.4, 0.4, 0.4, 0.4};
        ClusterChoice.Choice choice = choose(scores, new int[] {0, 1, 1, 2}, 3);
        assertEquals(4, choice.chosenSize());
    }

    @Test
    void atLeastTheBestClusterIsAlwaysChosen() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(50);
            int k = 1 + random.nextInt(Math.min(n, 10));
            double[] scores = new double[n];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextDouble();
                labels[i] = i < k ? i : random.nextInt(k);
            }
            ClusterChoice.Choice choice = choose(scores, labels, k);
            assertTrue(choice.ranked().getFirst().chosen());
            assertTrue(choice.chosenSize() >= 1);
            for (ClusterChoice.ClusterScore c : choice.ranked()) {
                assertEquals(c.score() >= choice.populationScore() - ClusterChoice.TOLERANCE, c.chosen());
            }
        }
    }

    @Test
    void onRealFeaturesTheChosenUsersScoreAboveTheUnchosen() {
        Random random = new Random(3);
        int n = 2000;
        double[] values = new double[n * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble();
        }
        FeatureMatrix m = new FeatureMatrix(values, n, 6, CampaignFeatures.COLUMNS, null);
        Clustering clustering = new KMeans(10, 1e-4, 100, 1).cluster(m);
        ClusterChoice.Choice choice = ClusterChoice.choose(m, clustering);
        double chosen = 0;
        double other = 0;
        int chosenCount = 0;
        for (int i = 0; i < n; i++) {
            if (choice.isChosen(clustering.assignments()[i])) {
                chosen += m.rowMean(i);
                chosenCount++;
            } else {
                other += m.rowMean(i);
            }
        }
        assertTrue(chosenCount > 0 && chosenCount < n, "some, not all: " + chosenCount);
        assertTrue(chosen / chosenCount > other / (n - chosenCount));
        assertTrue(chosen / chosenCount > choice.populationScore());
    }
}
