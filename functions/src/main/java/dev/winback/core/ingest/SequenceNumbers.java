package dev.winback.core.ingest;

import java.util.Comparator;

/** Kinesis sequence numbers are decimal strings of up to 128 bits: compare by length, then digits. */
public final class SequenceNumbers {

    public static final Comparator<String> ORDER =
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    private SequenceNumbers() {
    }

    /** @return true if {@code candidate} is strictly after {@code highWater} (null = nothing seen yet) */
    public static boolean isAfter(String candidate, String highWater) {
        return highWater == null || ORDER.compare(candidate, highWater) > 0;
    }
}
