package dev.winback.local.trace;

/**
 * One delivery zone's {@code delivery_pressure}, read every 15 minutes: the zone's base load (0.10
 * to 0.35), plus {@link Demand} scaled by the zone's rider shortage (0.35 to 0.75), plus slowly
 * varying noise (an AR(1) process, so consecutive readings are correlated), clipped to 0..1 and
 * reported with two decimals. Busy zones cross the 0.8 gate of A7 at the dinner peak; quiet ones
 * never do.
 */
final class ZoneSource extends Source {

    static final long TICK = 15 * 60_000L;

    private final World world;
    private final Rng rng;
    private final int zone;
    private final double base;
    private final double shortage;
    private double noise;

    ZoneSource(int order, World world, int zone, BufferGauge gauge) {
        super(order, null, gauge);
        this.world = world;
        this.zone = zone;
        this.rng = new Rng(world.settings.seed(), World.STREAM_ZONE, zone);
        this.base = 0.10 + 0.25 * rng.uniform();
        this.shortage = 0.35 + 0.40 * rng.uniform();
        // readings spread over the first minutes rather than all at :00
        nextActivityAt = world.startMillis + (zone * 7_000L) % TICK;
    }

    @Override
    protected void expandNextActivity() {
        long at = nextActivityAt;
        int offset = TimeZones.offsetSeconds(TimeZones.SHANGHAI, at);
        noise = 0.75 * noise + 0.05 * rng.gaussian();
        double value = Math.clamp(base + shortage * Demand.at(at, offset) + noise, 0, 1);
        emit(at, "delivery_pressure", null, new Fields().text("zone", world.catalog.zoneId(zone))
                .number("value", Math.round(value * 100), 2).build());
        nextActivityAt = at + TICK < world.endMillis ? at + TICK : NEVER;
    }
}
