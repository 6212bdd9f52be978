package dev.winback.local.trace;

import java.time.LocalDate;

/**
 * Writes {@code occurredAt} as an RFC 3339 UTC instant with milliseconds when there are any
 * ({@code 2026-11-20T08:03:12.480Z}), the form {@link java.time.Instant#toString()} gives, without
 * building an {@code Instant} and a formatter per event. The date part is cached: a trace stays on
 * one day for many thousands of events.
 */
final class Rfc3339 {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private long cachedDay = Long.MIN_VALUE;
    private String cachedDate;

    void append(StringBuilder out, long epochMillis) {
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        if (day != cachedDay) {
            cachedDay = day;
            cachedDate = LocalDate.ofEpochDay(day) + "T";
        }
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        int seconds = millisOfDay / 1000;
        out.append(cachedDate);
        two(out, seconds / 3600).append(':');
        two(out, seconds / 60 % 60).append(':');
        two(out, seconds % 60);
        int millis = millisOfDay % 1000;
        if (millis != 0) {
            out.append('.');
            if (millis < 100) {
                out.append('0');
            }
            if (millis < 10) {
                out.append('0');
            }
            out.append(millis);
        }
        out.append('Z');
    }

    private static StringBuilder two(StringBuilder out, int value) {
        if (value < 10) {
            out.append('0');
        }
        return out.append(value);
    }
}
