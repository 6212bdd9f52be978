package dev.winback.local.trace;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * The users' time zones and locales: a China-based service, so mostly Asia/Shanghai, with a few
 * users in Hong Kong, Singapore, London and Los Angeles — enough for quiet hours and diurnal activity
 * in the user's own time zone to matter.
 */
final class TimeZones {

    static final String[] IDS = {"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Europe/London",
            "America/Los_Angeles"};
    static final String[] LOCALES = {"zh-CN", "zh-HK", "en-SG", "en-GB", "en-US"};
    private static final double[] SHARES = Rng.cumulative(0.90, 0.04, 0.03, 0.02, 0.01);
    private static final ZoneRules[] RULES = new ZoneRules[IDS.length];

    static {
        for (int i = 0; i < IDS.length; i++) {
            RULES[i] = ZoneId.of(IDS[i]).getRules();
        }
    }

    static final int SHANGHAI = 0;

    private TimeZones() {
    }

    static int pick(Rng rng) {
        return rng.pick(SHARES);
    }

    /** The UTC offset of zone {@code index} at that instant (DST included). */
    static int offsetSeconds(int index, long epochMillis) {
        return RULES[index].getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds();
    }
}
