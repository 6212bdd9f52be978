package dev.winback.local.trace;

/**
 * How busy delivery is at a local time of day, 0..1: two bell curves, the lunch rush (peak 12:10,
 * σ 50 min) and the bigger dinner rush (peak 18:35, σ 65 min). Delivery pressure and merchant supply
 * both follow it: the rushes are when riders run short and kitchens run out.
 */
final class Demand {

    private Demand() {
    }

    static double at(long epochMillis, int offsetSeconds) {
        double hour = Math.floorMod(epochMillis + offsetSeconds * 1000L, Diurnal.DAY) / (double) Diurnal.HOUR;
        return 0.8 * bell(hour, 12.17, 0.83) + 1.0 * bell(hour, 18.58, 1.08);
    }

    private static double bell(double hour, double peak, double width) {
        double d = hour - peak;
        return Math.exp(-d * d / (2 * width * width));
    }
}
