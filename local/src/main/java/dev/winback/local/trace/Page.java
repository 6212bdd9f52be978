package dev.winback.local.trace;

/**
 * The app's pages and how long people stay on them: the median dwell in seconds before the user's
 * own speed factor (dwell times are log-normal around it). The order page's dwell is the time from
 * entering it to placing the order — the time-to-order the in-session timers learn (A2): with the
 * default 45 s order-page timer, roughly a third of the placed orders take longer than the timer.
 */
enum Page {
    HOME("home", 14),
    SEARCH("search", 18),
    MERCHANT("merchant", 28),
    PRODUCT("product", 38),
    COUPON("coupon", 16),
    ORDER("order", 32);

    final String wireName;
    final double medianSeconds;

    Page(String wireName, double medianSeconds) {
        this.wireName = wireName;
        this.medianSeconds = medianSeconds;
    }
}
