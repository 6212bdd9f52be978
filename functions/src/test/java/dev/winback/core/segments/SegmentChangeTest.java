package dev.winback.core.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.segments.SegmentChange.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SegmentChangeTest {

    private static final Instant AT = Instant.parse("2026-11-22T02:00:00Z");

    @Test
    void leftThenEnteredInTagOrder() {
        List<SegmentChange> changes = SegmentChange.between("u1",
                new TreeSet<>(Set.of("dormant", "new_no_order", "big_cart")),
                Set.of("high_value", "big_cart", "a_first"), AT);
        assertEquals(List.of(
                new SegmentChange("u1", "dormant", Kind.LEFT, AT),
                new SegmentChange("u1", "new_no_order", Kind.LEFT, AT),
                new SegmentChange("u1", "a_first", Kind.ENTERED, AT),
                new SegmentChange("u1", "high_value", Kind.ENTERED, AT)), changes);
        assertFalse(changes.get(0).entered());
        assertTrue(changes.get(2).entered());
        assertEquals("left", changes.get(0).kind().wireName());
        assertEquals("entered", changes.get(2).kind().wireName());
    }

    @Test
    void noChangeIsEmpty() {
        assertEquals(List.of(), SegmentChange.between("u1", Set.of("dormant"), new TreeSet<>(Set.of("dormant")), AT));
        assertEquals(List.of(), SegmentChange.between("u1", Set.of(), Set.of(), AT));
    }

    @Test
    void aNewUserEntersEveryTag() {
        assertEquals(List.of(new SegmentChange("u1", "dormant", Kind.ENTERED, AT)),
                SegmentChange.between("u1", null, Set.of("dormant"), AT));
    }
}
