package dev.winback.local.trace;

import java.util.SplittableRandom;

/**
 * The random draws a trace needs, on a {@link SplittableRandom} (SplitMix64: its output is fixed by
 * its specification, so a seed gives the same trace on every JDK). Each source of events owns one,
 * seeded from the trace seed and the source's identity, so a user's behaviour does not depend on how
 * many other users the trace has or in which order they are served. Gaussians come from our own
 * Box-Muller transform rather than {@code nextGaussian()}, whose algorithm is not specified.
 */
final class Rng {

    private final SplittableRandom random;
    private double spareGaussian = Double.NaN;

    Rng(long seed, long stream, long index) {
        this.random = new SplittableRandom(mix(mix(seed ^ 0x9E3779B97F4A7C15L * stream) + index));
    }

    /** The SplitMix64 finaliser: nearby inputs (user 1, user 2) give unrelated seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double uniform() {
        return random.nextDouble();
    }

    /** 0 ≤ n < bound. */
    int below(int bound) {
        return random.nextInt(bound);
    }

    /** lo ≤ n ≤ hi. */
    int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    /** lo ≤ n ≤ hi, for millisecond spans. */
    long betweenMillis(long lo, long hi) {
        return lo + random.nextLong(hi - lo + 1);
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    double gaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log(0) never happens
        double u2 = random.nextDouble();
        double radius = Math.sqrt(-2 * Math.log(u1));
        spareGaussian = radius * Math.sin(2 * Math.PI * u2);
        return radius * Math.cos(2 * Math.PI * u2);
    }

    /**
     * A log-normal draw with the given median: the usual shape of dwell times, prices and delays
     * (positive, most values near the median, a long right tail). {@code sigma} is the spread of its
     * logarithm: 0.5 puts about two thirds of the draws within ×0.6..×1.65 of the median.
     */
    double logNormal(double median, double sigma) {
        return median * Math.exp(sigma * gaussian());
    }

    /** A Poisson count (Knuth's method; the means used here are small). */
    int poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        double limit = Math.exp(-Math.min(mean, 50));
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }

    /** An index drawn with the given cumulative weights (ascending, the last one the total). */
    int pick(double[] cumulative) {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Running sums of {@code weights}, for {@link #pick}. */
    static double[] cumulative(double... weights) {
        double[] sums = new double[weights.length];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i];
            sums[i] = total;
        }
        return sums;
    }
}
