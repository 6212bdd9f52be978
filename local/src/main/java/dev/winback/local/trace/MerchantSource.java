package dev.winback.local.trace;

/**
 * One merchant's {@code merchant_supply}: its status at the start of the trace, then only its
 * changes. Every 15 minutes of the 08:00–22:00 trading day the status may move: sufficient → tight
 * with a chance growing with {@link Demand} and the merchant's fragility (log-normal: most merchants
 * rarely run short, a few often do), tight → out at the rushes, and back as stock is replenished.
 * At closing (22:00) a merchant that is short restocks for the next day and reports sufficient.
 */
final class MerchantSource extends Source {

    private static final String[] STATUS = {"sufficient", "tight", "out"};

    private final World world;
    private final Rng rng;
    private final int merchant;
    private final double fragility;
    private int status;

    MerchantSource(int order, World world, int merchant, BufferGauge gauge) {
        super(order, null, gauge);
        this.world = world;
        this.merchant = merchant;
        this.rng = new Rng(world.settings.seed(), World.STREAM_MERCHANT, merchant);
        this.fragility = Math.min(4, rng.logNormal(0.6, 0.7));
        nextActivityAt = world.startMillis + 5_000 + (merchant * 13_000L) % ZoneSource.TICK;
    }

    @Override
    protected void expandNextActivity() {
        long at = nextActivityAt;
        emit(at, "merchant_supply", null, new Fields().text("merchantId", world.catalog.merchantId(merchant))
                .text("status", STATUS[status]).build());
        // Walk the 15-minute ticks to the next change: only changes are reported.
        for (long tick = at + ZoneSource.TICK; tick < world.endMillis; tick += ZoneSource.TICK) {
            int next = nextStatus(tick);
            if (next != status) {
                status = next;
                nextActivityAt = tick;
                return;
            }
        }
        nextActivityAt = NEVER;
    }

    private int nextStatus(long tick) {
        int offset = TimeZones.offsetSeconds(TimeZones.SHANGHAI, tick);
        int hour = Diurnal.localHour(tick, offset);
        if (hour < 8 || hour >= 22) {
            return 0;
        }
        double demand = Demand.at(tick, offset);
        double u = rng.uniform();
        return switch (status) {
            case 0 -> u < (0.005 + 0.10 * demand) * fragility ? 1 : 0;
            case 1 -> u < 0.05 + 0.30 * (1 - demand) ? 0 : u > 1 - 0.08 * demand * fragility ? 2 : 1;
            default -> u < 0.35 ? 1 : 2;
        };
    }
}
