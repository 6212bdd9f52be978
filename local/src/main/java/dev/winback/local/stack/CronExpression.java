package dev.winback.local.stack;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;

/**
 * An EventBridge Scheduler {@code cron(minutes hours day-of-month month day-of-week year)} expression,
 * to fire a schedule locally at the times AWS would. Supports {@code *}, {@code ?}, numbers, names
 * (JAN, MON), lists, ranges and steps; {@code L}, {@code W} and {@code #} are refused ({@link #parse}
 * answers empty) so such a schedule is only fired on demand.
 */
public final class CronExpression {

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek; // 1 = Sunday, as AWS counts
    private final BitSet years;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronExpression(String[] f) {
        minutes = field(f[0], 0, 59, null);
        hours = field(f[1], 0, 23, null);
        daysOfMonth = field(f[2], 1, 31, null);
        months = field(f[3], 1, 12, MONTHS);
        daysOfWeek = field(f[4], 1, 7, DAYS);
        years = field(f[5], 1970, 2199, null);
        anyDayOfMonth = f[2].equals("*") || f[2].equals("?");
        anyDayOfWeek = f[4].equals("*") || f[4].equals("?");
    }

    /** The expression, or empty when it is not a cron() this class reads (rate(), at(), L, W, #). */
    public static Optional<CronExpression> parse(String expression) {
        String text = expression.strip();
        if (!text.startsWith("cron(") || !text.endsWith(")")) {
            return Optional.empty();
        }
        String[] fields = text.substring(5, text.length() - 1).strip().split("\\s+");
        if (fields.length != 6) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CronExpression(fields));
        } catch (IllegalArgumentException unsupported) {
            return Optional.empty();
        }
    }

    /** The first time after {@code after} (exclusive) that the expression matches, in {@code zone}. */
    public Optional<ZonedDateTime> next(ZonedDateTime after, ZoneId zone) {
        ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!years.get(t.getYear())) {
                t = t.plusYears(1).withDayOfYear(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!months.get(t.getMonthValue())) {
                t = t.plusMonths(1).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!dayMatches(t)) {
                t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
            } else if (!hours.get(t.getHour())) {
                t = t.plusHours(1).truncatedTo(ChronoUnit.HOURS);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 1 : t.getDayOfWeek().getValue() + 1);
        if (anyDayOfMonth) {
            return dow;
        }
        if (anyDayOfWeek) {
            return dom;
        }
        return dom && dow;
    }

    private static BitSet field(String text, int min, int max, String[] names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
            if (part.equals("*") || part.equals("?")) {
                bits.set(min, max + 1);
                continue;
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = value(range.substring(0, range.indexOf('-')), names, min);
                to = value(range.substring(range.indexOf('-') + 1), names, min);
            } else {
                from = value(range, names, min);
                to = slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to || step < 1) {
                throw new IllegalArgumentException("out of range: " + part);
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int value(String text, String[] names, int min) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(text)) {
                    return i + min;
                }
            }
        }
        return Integer.parseInt(text); // L, W, # and anything else: NumberFormatException, an IllegalArgumentException
    }
}
