package dev.winback.local.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronExpressionTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void theDailyDormantScanFiresAtTenInItsTimeZone() {
        CronExpression daily = CronExpression.parse("cron(0 10 * * ? *)").orElseThrow();
        ZonedDateTime morning = ZonedDateTime.parse("2026-11-23T09:59:30+08:00[Asia/Shanghai]");
        assertEquals(ZonedDateTime.parse("2026-11-23T10:00+08:00[Asia/Shanghai]"), daily.next(morning, SHANGHAI).orElseThrow());
        // Exactly at a fire time, the next one is a day later.
        assertEquals(ZonedDateTime.parse("2026-11-24T10:00+08:00[Asia/Shanghai]"),
                daily.next(ZonedDateTime.parse("2026-11-23T10:00+08:00[Asia/Shanghai]"), SHANGHAI).orElseThrow());
    }

    @Test
    void listsRangesStepsAndNamesAsEventBridgeSchedulerReadsThem() {
        CronExpression weekdays = CronExpression.parse("cron(30 9 ? * MON-FRI *)").orElseThrow();
        // 2026-11-28 is a Saturday: the next run is Monday the 30th.
        assertEquals(ZonedDateTime.parse("2026-11-30T09:30Z[UTC]"),
                weekdays.next(ZonedDateTime.parse("2026-11-27T10:00Z[UTC]"), ZoneId.of("UTC")).orElseThrow());
        CronExpression twiceAYear = CronExpression.parse("cron(0/15 * 1 JAN,JUL ? 2027)").orElseThrow();
        assertEquals(ZonedDateTime.parse("2027-01-01T00:00Z[UTC]"),
                twiceAYear.next(ZonedDateTime.parse("2026-11-23T10:00Z[UTC]"), ZoneId.of("UTC")).orElseThrow());
        assertEquals(ZonedDateTime.parse("2027-01-01T00:15Z[UTC]"),
                twiceAYear.next(ZonedDateTime.parse("2027-01-01T00:00Z[UTC]"), ZoneId.of("UTC")).orElseThrow());
        // Sunday is 1, as AWS counts.
        assertEquals(ZonedDateTime.parse("2026-11-29T00:00Z[UTC]"), CronExpression.parse("cron(0 0 ? * 1 *)").orElseThrow()
                .next(ZonedDateTime.parse("2026-11-23T10:00Z[UTC]"), ZoneId.of("UTC")).orElseThrow());
    }

    @Test
    void expressionsItCannotEvaluateAreLeftToOnDemandRuns() {
        assertTrue(CronExpression.parse("rate(1 hour)").isEmpty());
        assertTrue(CronExpression.parse("at(2026-11-23T10:00:00)").isEmpty());
        assertTrue(CronExpression.parse("cron(0 10 L * ? *)").isEmpty());
        assertTrue(CronExpression.parse("cron(0 10 ? * 6#3 *)").isEmpty());
        assertTrue(CronExpression.parse("cron(0 10 * *)").isEmpty());
    }
}
