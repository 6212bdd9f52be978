package dev.winback.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Marsaglia–Tsang Gamma and the Beta built from it: moments, range, reproducibility. */
class BetaSamplerTest {

    private static final int N = 200_000;

    /** Sample mean and variance of N draws of Beta(a, b) match the closed forms. */
    private static void assertMoments(double a, double b, long seed) {
        Random random = new Random(seed);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < N; i++) {
            double x = BetaSampler.beta(a, b, random);
            assertTrue(x >= 0 && x <= 1, "Beta draws lie in [0, 1]: " + x);
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        double expectedMean = BetaSampler.mean(a, b);
        double expectedVariance = BetaSampler.variance(a, b);
        // the sample mean's standard error is sqrt(var / N); allow 5 of them
        assertEquals(expectedMean, mean, 5 * Math.sqrt(expectedVariance / N), "mean of Beta(" + a + ", " + b + ")");
        assertEquals(expectedVariance, variance, 0.03 * expectedVariance, "variance of Beta(" + a + ", " + b + ")");
    }

    @Test
    void betaMomentsMatchForTheUniformPrior() {
        assertMoments(1, 1, 1); // mean 1/2, variance 1/12
    }

    @Test
    void betaMomentsMatchForAskewedPosterior() {
        assertMoments(2, 5, 2);
    }

    @Test
    void betaMomentsMatchForAConfidentPosterior() {
        assertMoments(31, 971, 3); // 30 conversions of 1,000 sends: a narrow peak at 3 %
    }

    @Test
    void betaMomentsMatchForShapesBelowOne() {
        assertMoments(0.5, 0.5, 4); // the boost path of Gamma(k < 1)
    }

    @Test
    void gammaMeanAndVarianceAreTheShape() {
        for (double shape : new double[] {0.3, 1, 2.5, 40}) {
            Random random = new Random(7);
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < N; i++) {
                double x = BetaSampler.gamma(shape, random);
                assertTrue(x >= 0);
                sum += x;
                sumSq += x * x;
            }
            double mean = sum / N;
            double variance = sumSq / N - mean * mean;
            assertEquals(shape, mean, 5 * Math.sqrt(shape / N), "Gamma(" + shape + ") mean");
            assertEquals(shape, variance, 0.04 * shape, "Gamma(" + shape + ") variance");
        }
    }

    @Test
    void theSameSeedDrawsTheSameValues() {
        Random a = new Random(42);
        Random b = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(BetaSampler.beta(3, 7, a), BetaSampler.beta(3, 7, b));
        }
    }

    @Test
    void closedFormMoments() {
        assertEquals(0.5, BetaSampler.mean(1, 1));
        assertEquals(1.0 / 12, BetaSampler.variance(1, 1), 1e-15);
        assertEquals(2.0 / 7, BetaSampler.mean(2, 5), 1e-15);
        assertEquals(10.0 / (49 * 8), BetaSampler.variance(2, 5), 1e-15);
    }

    @Test
    void parametersMustBePositive() {
        Random random = new Random(1);
        assertThrows(IllegalArgumentException.class, () -> BetaSampler.beta(0, 1, random));
        assertThrows(IllegalArgumentException.class, () -> BetaSampler.beta(1, -1, random));
        assertThrows(IllegalArgumentException.class, () -> BetaSampler.beta(Double.NaN, 1, random));
        assertThrows(IllegalArgumentException.class, () -> BetaSampler.gamma(Double.POSITIVE_INFINITY, random));
    }
}
