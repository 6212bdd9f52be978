package dev.winback.local.trace;

import java.time.Instant;

/**
 * What to generate: the population, the period and the seed. The same settings always give the
 * same trace, byte for byte.
 *
 * @param seed      every random draw derives from it
 * @param start     the first instant of the trace
 * @param days      how many 24-hour days from {@code start}
 * @param users     consumers (the app's users)
 * @param b2bUsers  traders of the B2B directory (D1)
 * @param campaigns site campaigns (D2), spread evenly over the days
 * @param zones     delivery zones (delivery_pressure)
 * @param merchants merchants (merchant_supply, and where consumers order)
 */
public record TraceSettings(long seed, Instant start, int days, int users, int b2bUsers, int campaigns,
                            int zones, int merchants) {

    public static final int MAX_DAYS = 3660;
    public static final int MAX_USERS = 10_000_000;

    public TraceSettings {
        check(days >= 1 && days <= MAX_DAYS, "--days must be 1.." + MAX_DAYS);
        check(users >= 0 && users <= MAX_USERS, "--users must be 0.." + MAX_USERS);
        check(b2bUsers >= 0 && b2bUsers <= MAX_USERS, "--b2b-users must be 0.." + MAX_USERS);
        check(users + b2bUsers >= 1, "a trace needs at least one user (--users or --b2b-users)");
        check(campaigns >= 0 && campaigns <= 100_000, "--campaigns must be 0..100000");
        check(zones >= 1 && zones <= 10_000, "--zones must be 1..10000");
        check(merchants >= 1 && merchants <= 1_000_000, "--merchants must be 1..1000000");
        check(start != null, "--start is required");
    }

    /**
     * Settings with the population's defaults filled in: a tenth as many traders as consumers, one
     * campaign a day when there are traders, a delivery zone per 250 consumers (2..64) and a
     * merchant per 20 (10..5,000). Null means "the default".
     */
    public static TraceSettings of(long seed, Instant start, int days, int users, Integer b2bUsers, Integer campaigns,
                                   Integer zones, Integer merchants) {
        int traders = b2bUsers != null ? b2bUsers : users / 10;
        return new TraceSettings(seed, start, days, users, traders,
                campaigns != null ? campaigns : traders > 0 ? days : 0,
                zones != null ? zones : Math.clamp(users / 250, 2, 64),
                merchants != null ? merchants : Math.clamp(users / 20, 10, 5000));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
