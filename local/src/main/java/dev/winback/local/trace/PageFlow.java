package dev.winback.local.trace;

/**
 * Where a user goes next: a Markov chain over the pages plus leaving the app. Home leads mostly to
 * merchants and search, merchants to products, products to more products or the checkout; the order
 * page is reachable only with something in the cart. An order page without an order is left more
 * often than not — the abandoned carts in-session recall exists for. The archetype sets how eager the
 * user is to check out and how soon they leave.
 */
final class PageFlow {

    private static final Page[] PAGES = Page.values();
    private static final int EXIT = PAGES.length;

    //                                     home  search merch  prod   coupon order  exit
    private static final double[] FROM_HOME = {0.00, 0.15, 0.45, 0.12, 0.08, 0.05, 0.15};
    private static final double[] FROM_SEARCH = {0.05, 0.05, 0.30, 0.45, 0.00, 0.00, 0.15};
    private static final double[] FROM_MERCHANT = {0.08, 0.05, 0.07, 0.62, 0.03, 0.05, 0.10};
    private static final double[] FROM_PRODUCT = {0.05, 0.05, 0.15, 0.30, 0.02, 0.00, 0.12};
    private static final double[] FROM_COUPON = {0.35, 0.05, 0.30, 0.05, 0.00, 0.15, 0.10};
    private static final double[] FROM_ORDER = {0.10, 0.00, 0.15, 0.20, 0.10, 0.00, 0.45};
    private static final double[] AFTER_ORDER = {0.30, 0.00, 0.00, 0.00, 0.00, 0.00, 0.70};

    private PageFlow() {
    }

    /** The next page, or null when the user leaves the app. */
    static Page next(Page from, boolean cartFilled, boolean justOrdered, Archetype archetype, Rng rng) {
        double[] row = switch (from) {
            case HOME -> FROM_HOME;
            case SEARCH -> FROM_SEARCH;
            case MERCHANT -> FROM_MERCHANT;
            case PRODUCT -> FROM_PRODUCT;
            case COUPON -> FROM_COUPON;
            case ORDER -> justOrdered ? AFTER_ORDER : FROM_ORDER;
        };
        double total = 0;
        for (int i = 0; i <= EXIT; i++) {
            total += weight(row, i, from, cartFilled, archetype);
        }
        double x = rng.uniform() * total;
        int next = 0;
        for (; next < EXIT; next++) {
            x -= weight(row, next, from, cartFilled, archetype);
            if (x < 0) {
                break;
            }
        }
        return next == EXIT ? null : PAGES[next];
    }

    private static double weight(double[] row, int to, Page from, boolean cartFilled, Archetype archetype) {
        if (to == Page.ORDER.ordinal()) {
            return !cartFilled ? 0 : from == Page.PRODUCT ? archetype.checkout : row[to];
        }
        return to == EXIT ? row[to] * archetype.exitFactor : row[to];
    }
}
