package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.testing.Policies;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** C6: quiet hours 22:00–08:00 in the user's time zone (the policy's when unknown). */
class QuietHoursTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static Instant shanghai(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
    }

    private static Instant in(String zone, String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZoneId.of(zone)).toInstant();
    }

    @Test
    void theDefaultsAre22To08InShanghai() {
        assertEquals(SHANGHAI, POLICY.timeZone());
        assertEquals("22:00", POLICY.messaging().quietHours().start().toString());
        assertEquals("08:00", POLICY.messaging().quietHours().end().toString());
    }

    @Test
    void boundariesInThePolicyZone() {
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T21:59:00"), null, POLICY));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T21:59:59.999"), null, POLICY));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-22T22:00:00"), null, POLICY));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-23T00:00:00"), null, POLICY));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-23T07:59:00"), null, POLICY));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-23T07:59:59.999"), null, POLICY));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-23T08:00:00"), null, POLICY));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-23T12:00:00"), null, POLICY));
    }

    @Test
    void theUsersZoneOverridesThePolicys() {
        Instant londonEvening = in("Europe/London", "2026-11-22T22:30:00"); // 06:30 next day in Shanghai
        assertTrue(QuietHours.isQuiet(londonEvening, null, POLICY));
        assertTrue(QuietHours.isQuiet(londonEvening, "Europe/London", POLICY));

        Instant shanghaiNight = shanghai("2026-11-22T23:00:00"); // 15:00 in London
        assertTrue(QuietHours.isQuiet(shanghaiNight, null, POLICY));
        assertFalse(QuietHours.isQuiet(shanghaiNight, "Europe/London", POLICY));
        assertFalse(QuietHours.isQuiet(shanghaiNight, "UTC", POLICY));
        assertFalse(QuietHours.isQuiet(shanghaiNight, "+00:00", POLICY));
    }

    @Test
    void anInvalidZoneFallsBackToThePolicys() {
        Instant shanghaiNight = shanghai("2026-11-22T23:00:00");
        assertTrue(QuietHours.isQuiet(shanghaiNight, "Mars/Olympus_Mons", POLICY));
        assertTrue(QuietHours.isQuiet(shanghaiNight, "", POLICY));
        assertTrue(QuietHours.isQuiet(shanghaiNight, "not a zone", POLICY));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T12:00:00"), "Mars/Olympus_Mons", POLICY));
        assertEquals(SHANGHAI, QuietHours.zone("Mars/Olympus_Mons", POLICY));
        assertEquals(ZoneId.of("America/New_York"), QuietHours.zone("America/New_York", POLICY));
    }

    @Test
    void endOfIsTheNext0800Local() {
        assertEquals(shanghai("2026-11-23T08:00:00"), QuietHours.endOf(shanghai("2026-11-22T22:00:00"), null, POLICY));
        assertEquals(shanghai("2026-11-23T08:00:00"), QuietHours.endOf(shanghai("2026-11-22T23:59:00"), null, POLICY));
        assertEquals(shanghai("2026-11-23T08:00:00"), QuietHours.endOf(shanghai("2026-11-23T00:00:00"), null, POLICY));
        assertEquals(shanghai("2026-11-23T08:00:00"), QuietHours.endOf(shanghai("2026-11-23T07:59:59"), null, POLICY));
    }

    @Test
    void endOfInTheUsersZone() {
        assertEquals(in("America/New_York", "2026-11-23T08:00:00"),
                QuietHours.endOf(in("America/New_York", "2026-11-22T23:30:00"), "America/New_York", POLICY));
        assertEquals(shanghai("2026-11-23T08:00:00"),
                QuietHours.endOf(shanghai("2026-11-23T03:00:00"), "bogus/zone", POLICY));
    }

    @Test
    void aWindowWithinOneDay() {
        Policy lunch = Policies.withQuietHours(POLICY, "12:00", "14:00");
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T11:59:00"), null, lunch));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-22T12:00:00"), null, lunch));
        assertTrue(QuietHours.isQuiet(shanghai("2026-11-22T13:59:00"), null, lunch));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T14:00:00"), null, lunch));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T23:00:00"), null, lunch));
        assertEquals(shanghai("2026-11-22T14:00:00"), QuietHours.endOf(shanghai("2026-11-22T12:30:00"), null, lunch));
    }

    @Test
    void equalStartAndEndSwitchQuietHoursOff() {
        Policy off = Policies.withQuietHours(POLICY, "00:00", "00:00");
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T03:00:00"), null, off));
        assertFalse(QuietHours.isQuiet(shanghai("2026-11-22T00:00:00"), null, off));
    }
}
