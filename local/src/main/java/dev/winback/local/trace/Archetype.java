package dev.winback.local.trace;

/**
 * The kinds of consumer a trace mixes, with the parameters that make them differ. Shares are of the
 * consumer population; rates per day are before the weekend lift.
 *
 * <ul>
 *   <li>{@link #BROWSER}: opens the app most days, looks around, rarely buys.</li>
 *   <li>{@link #BUYER}: a regular customer: adds to the cart readily, orders in about one session in five.</li>
 *   <li>{@link #LOYAL}: high-value: several sessions a day at pricier merchants, larger baskets
 *       (reaches the {@code high_value} and {@code high_frequency} segments within days).</li>
 *   <li>{@link #LAPSING}: behaves like a buyer, then stops opening the app (and logging in) for good
 *       after a random number of days — the dormant users of B1.</li>
 *   <li>{@link #NEWCOMER}: registers during the trace; a little over half order in their first
 *       sessions, the rest never do — the {@code new_no_order} users of C3.</li>
 * </ul>
 */
enum Archetype {
    //        share  sessions/day addToCart checkout placeOrder exitFactor readPush
    BROWSER(0.30, 0.8, 0.15, 0.06, 0.30, 0.8, 0.25),
    BUYER(0.30, 1.1, 0.45, 0.25, 0.55, 1.0, 0.40),
    LOYAL(0.10, 1.9, 0.55, 0.45, 0.85, 1.0, 0.50),
    LAPSING(0.18, 1.0, 0.40, 0.22, 0.50, 1.1, 0.35),
    NEWCOMER(0.12, 0.9, 0.35, 0.25, 0.60, 1.1, 0.45);

    private static final double[] SHARES;

    static {
        double[] shares = new double[values().length];
        for (Archetype archetype : values()) {
            shares[archetype.ordinal()] = archetype.share;
        }
        SHARES = Rng.cumulative(shares);
    }

    final double share;
    final double sessionsPerDay;
    /** Chance of adding the viewed product to the cart. */
    final double addToCart;
    /** Weight of going from a product page to the order page when the cart is not empty. */
    final double checkout;
    /** Chance of placing the order once on the order page with a cart. */
    final double placeOrder;
    /** Multiplies the chance of leaving the app after each page. */
    final double exitFactor;
    /** Chance of reading a marketing push. */
    final double readPush;

    Archetype(double share, double sessionsPerDay, double addToCart, double checkout, double placeOrder,
              double exitFactor, double readPush) {
        this.share = share;
        this.sessionsPerDay = sessionsPerDay;
        this.addToCart = addToCart;
        this.checkout = checkout;
        this.placeOrder = placeOrder;
        this.exitFactor = exitFactor;
        this.readPush = readPush;
    }

    static Archetype pick(Rng rng) {
        return values()[rng.pick(SHARES)];
    }
}
