package dev.winback.core.scenario;

import java.util.random.RandomGenerator;

/**
 * Draws from Gamma and Beta distributions, for Thompson sampling.
 *
 * <p>Gamma(k, 1) by Marsaglia and Tsang's squeeze method ("A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000): for k ≥ 1 with d = k − 1/3, c = 1/√(9d), draw a standard normal x
 * until v = (1 + cx)³ > 0 and a uniform u, and accept dv when u < 1 − 0.0331x⁴ or
 * ln u < x²/2 + d(1 − v + ln v); about 1.05 tries per draw for every k ≥ 1. For k < 1 the paper's
 * boost applies: Gamma(k) = Gamma(k + 1) · U^(1/k). Beta(α, β) = X / (X + Y) with X ~ Gamma(α),
 * Y ~ Gamma(β) independent.
 *
 * <p>In plain Java rather than commons-math3 (which resolves on the mirror, 3.6.1): it is twenty lines,
 * the library's last release is from 2016, and every draw here goes through the caller's
 * {@link RandomGenerator}, so a decision seeded from its id replays exactly.
 */
public final class BetaSampler {

    private BetaSampler() {
    }

    /** A draw from Beta(alpha, beta); both parameters must be positive. */
    public static double beta(double alpha, double beta, RandomGenerator random) {
        requirePositive("alpha", alpha);
        requirePositive("beta", beta);
        double x = gamma(alpha, random);
        double y = gamma(beta, random);
        double sum = x + y;
        if (sum == 0) {
            return alpha / (alpha + beta); // both underflowed (tiny shapes): the mean is the honest answer
        }
        return x / sum;
    }

    /** A draw from Gamma(shape, scale 1); the shape must be positive. */
    public static double gamma(double shape, RandomGenerator random) {
        requirePositive("shape", shape);
        if (shape < 1) {
            double u = 1.0 - random.nextDouble(); // (0, 1]: never 0^(1/k)
            return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            double x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) {
                return d * v; // the squeeze: no logarithms for ~98 % of draws
            }
            if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** The mean of Beta(alpha, beta). */
    public static double mean(double alpha, double beta) {
        return alpha / (alpha + beta);
    }

    /** The variance of Beta(alpha, beta). */
    public static double variance(double alpha, double beta) {
        double sum = alpha + beta;
        return alpha * beta / (sum * sum * (sum + 1));
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
        }
    }
}
