package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonFormat;

/** A count and a sum, from which an average is derived (time-to-order, pages per session). */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record Tally(long count, double total) {

    public static final Tally EMPTY = new Tally(0, 0);

    public Tally add(double value) {
        return new Tally(count + 1, total + value);
    }

    public double average() {
        return count == 0 ? 0 : total / count;
    }
}
