package dev.winback.core.conversion;

/**
 * Confidence intervals for proportions, in plain Java (a few lines of arithmetic; no statistics
 * library needed).
 *
 * <ul>
 *   <li>{@link #wilson}: Wilson's score interval for one proportion (Wilson 1927), without continuity
 *       correction.</li>
 *   <li>{@link #difference}: the hybrid score interval for the difference of two independent
 *       proportions p1 − p2 — method 10 in Newcombe, R.G. (1998) "Interval estimation for the difference
 *       between independent proportions: comparison of eleven methods", Statistics in Medicine 17,
 *       873–890. With Wilson intervals (l1, u1) for p1 and (l2, u2) for p2 and d = p1 − p2:
 *       {@code L = d − sqrt((p1 − l1)² + (u2 − p2)²)}, {@code U = d + sqrt((u1 − p1)² + (p2 − l2)²)}.</li>
 * </ul>
 */
public final class Proportions {

    /** The standard normal quantile for a two-sided 95 % interval, Φ⁻¹(0.975). */
    public static final double Z95 = 1.959963984540054;

    private Proportions() {
    }

    /** An estimate with its interval. */
    public record Interval(double estimate, double lower, double upper) {
    }

    /** Wilson's score interval for {@code successes} out of {@code n} (n ≥ 1). */
    public static Interval wilson(long successes, long n, double z) {
        check(successes, n);
        double p = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At p = 0 or 1 the bound is 0 or 1 exactly; keep rounding from stepping outside [0, 1].
        return new Interval(p, successes == 0 ? 0 : Math.max(0, centre - half), successes == n ? 1 : Math.min(1, centre + half));
    }

    /** Newcombe's hybrid score interval (method 10) for p1 − p2; both samples need n ≥ 1. */
    public static Interval difference(long x1, long n1, long x2, long n2, double z) {
        Interval a = wilson(x1, n1, z);
        Interval b = wilson(x2, n2, z);
        double p1 = a.estimate();
        double p2 = b.estimate();
        double d = p1 - p2;
        double lower = d - Math.sqrt(square(p1 - a.lower()) + square(b.upper() - p2));
        double upper = d + Math.sqrt(square(a.upper() - p1) + square(p2 - b.lower()));
        return new Interval(d, Math.max(-1, lower), Math.min(1, upper));
    }

    private static double square(double x) {
        return x * x;
    }

    private static void check(long successes, long n) {
        if (n < 1 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n and n >= 1, got " + successes + " of " + n);
        }
    }
}
