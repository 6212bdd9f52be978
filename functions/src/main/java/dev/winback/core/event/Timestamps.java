package dev.winback.core.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Parses the timestamps of the behavior stream. Every event carries one, and
 * {@link OffsetDateTime#parse} costs about as much as decoding the rest of the event, so the form
 * producers send (UTC, {@code 2026-11-22T10:00:03.206Z}, up to nine fraction digits) is read
 * directly; anything else goes to {@link OffsetDateTime#parse}, which decides what is valid. Both
 * paths give the same instant for the same text.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** Same result and same exceptions as {@code OffsetDateTime.parse(text).toInstant()}. */
    public static Instant parse(CharSequence text) {
        Instant fast = utc(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time, else null. */
    private static Instant utc(CharSequence t) {
        int length = t.length();
        if (length < 20 || length > 30 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21; // between '.' and 'Z'
            if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(t, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay(); // rejects 2026-02-30 as the parser does
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The non-negative number written by {@code count} ASCII digits from {@code from}, or -1. */
    private static int digits(CharSequence t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
