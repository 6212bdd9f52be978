package dev.winback.core.recall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** C6 frequency caps: the rule every contact history applies, in AWS and locally alike. */
public final class FrequencyCaps {

    public static final Duration DAY = Duration.ofDays(1);
    public static final Duration WEEK = Duration.ofDays(7);

    private FrequencyCaps() {
    }

    /** True when one more touch at {@code at} would break the per-day or the per-week cap. */
    public static boolean reached(List<Instant> touches, Instant at, int perDay, int perWeek) {
        return reached(touches, at, DAY, perDay) || reached(touches, at, WEEK, perWeek);
    }

    /**
     * Would a touch at {@code at} put more than {@code cap} touches into some window of length
     * {@code window} (any window containing {@code at}, not just the one ending there: decisions can
     * arrive slightly out of order)? Sliding a window's start to the right only adds touches at its
     * end until the start passes a touch, so the busiest windows start at a touch in
     * {@code (at − window, at]} or at {@code at} itself.
     */
    static boolean reached(List<Instant> touches, Instant at, Duration window, int cap) {
        Instant earliest = at.minus(window).plusMillis(1);
        List<Instant> starts = new ArrayList<>();
        starts.add(at);
        touches.stream().filter(t -> !t.isBefore(earliest) && !t.isAfter(at)).forEach(starts::add);
        for (Instant start : starts) {
            Instant end = start.plus(window);
            long inside = touches.stream().filter(t -> !t.isBefore(start) && t.isBefore(end)).count();
            if (inside >= cap) {
                return true;
            }
        }
        return false;
    }
}
