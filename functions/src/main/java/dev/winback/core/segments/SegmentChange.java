package dev.winback.core.segments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A user entered or left a segment (C2): the event other parts (scenarios, journeys, an SNS topic)
 * react to. {@code at} is the time the tags were recomputed at: the newest event the user sent.
 */
public record SegmentChange(String userId, String tag, Kind kind, Instant at) {

    public enum Kind {
        ENTERED, LEFT;

        /** "entered" / "left", for messages and logs. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The same for every delivery of this change (the stream retries with the same time), so
     * subscribers can drop repeats: {@code <userId>|<tag>|<entered|left>|<at>}.
     */
    public String changeId() {
        return userId + "|" + tag + "|" + kind.wireName() + "|" + at;
    }

    public boolean entered() {
        return kind == Kind.ENTERED;
    }

    /**
     * The changes from {@code before} to {@code after}, in tag order: first the tags left, then the
     * tags entered. Empty when the sets are equal.
     */
    public static List<SegmentChange> between(String userId, Set<String> before, Set<String> after, Instant at) {
        before = before == null ? Set.of() : before;
        after = after == null ? Set.of() : after;
        if (before.equals(after)) {
            return List.of();
        }
        List<SegmentChange> changes = new ArrayList<>();
        for (String tag : sorted(before)) {
            if (!after.contains(tag)) {
                changes.add(new SegmentChange(userId, tag, Kind.LEFT, at));
            }
        }
        for (String tag : sorted(after)) {
            if (!before.contains(tag)) {
                changes.add(new SegmentChange(userId, tag, Kind.ENTERED, at));
            }
        }
        return List.copyOf(changes);
    }

    private static SortedSet<String> sorted(Set<String> tags) {
        return tags instanceof SortedSet<String> s && s.comparator() == null ? s : new TreeSet<>(tags);
    }
}
