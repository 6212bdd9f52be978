package dev.winback.local.trace;

/**
 * When in the (local) day people do something: relative weights per local hour, and a sampler that
 * draws instants with that shape.
 *
 * <p>{@link #SHOPPING} is the usual curve of a food and retail delivery app: almost nobody between
 * 01:00 and 06:00, a morning rise, a lunch peak (11–13), an afternoon plateau and the evening peak
 * (18–21), which carries nearly a third of the day's sessions. {@link #BUSINESS} is a B2B trader's
 * working day: 08:00–18:00 with a lunch dip, little in the evening, nothing at night.
 */
final class Diurnal {

    static final Diurnal SHOPPING = new Diurnal(
            2.0, 1.0, 0.5, 0.3, 0.3, 0.5, 1.5, 3.5, 4.5, 4.5, 5.0, 8.0,
            8.5, 6.0, 4.5, 4.5, 5.0, 7.5, 9.0, 9.0, 8.5, 7.5, 5.0, 3.5);
    static final Diurnal BUSINESS = new Diurnal(
            0, 0, 0, 0, 0, 0, 0.2, 2.0, 6.0, 9.0, 10.0, 8.0,
            4.0, 6.0, 9.0, 9.0, 7.0, 4.0, 2.0, 1.0, 1.0, 0.5, 0, 0);

    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;

    private final double[] weights;
    private final double max;

    private Diurnal(double... weights) {
        this.weights = weights;
        double highest = 0;
        for (double weight : weights) {
            highest = Math.max(highest, weight);
        }
        this.max = highest;
    }

    /** The local hour (0..23) of {@code epochMillis} at UTC offset {@code offsetSeconds}. */
    static int localHour(long epochMillis, int offsetSeconds) {
        return (int) Math.floorMod(epochMillis + offsetSeconds * 1000L, DAY) / (int) HOUR;
    }

    double weight(int localHour) {
        return weights[localHour];
    }

    /**
     * An instant in {@code [from, from + DAY)} distributed like this curve in local time (rejection
     * sampling: about max/mean ≈ 2–3 draws per instant).
     */
    long sample(Rng rng, long from, int offsetSeconds) {
        long candidate = from;
        for (int attempt = 0; attempt < 1000; attempt++) {
            candidate = from + (long) (rng.uniform() * DAY);
            if (rng.uniform() * max < weights[localHour(candidate, offsetSeconds)]) {
                return candidate;
            }
        }
        return candidate;
    }

    /**
     * The instant in {@code [from, from + DAY)} at local time {@code localSecond} (seconds after
     * local midnight) — e.g. the 11:00 marketing push of that day.
     */
    static long atLocalTime(long from, int offsetSeconds, long localSecond) {
        long localFrom = Math.floorMod(from + offsetSeconds * 1000L, DAY);
        return from + Math.floorMod(localSecond * 1000 - localFrom, DAY);
    }
}
