package dev.winback.core.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentFeedTest {

    private static final Instant AT = Instant.parse("2026-11-22T01:03:01Z");

    private final List<List<SegmentChange>> published = new ArrayList<>();

    @Test
    void publishesEachWritesChangesInStreamOrder() {
        SegmentFeed.Result result = new SegmentFeed(published::add).publish(List.of(
                write("1", "u-1", null, Set.of("new_no_order")),
                write("2", "u-2", Set.of("dormant", "high_frequency"), Set.of("high_frequency", "high_value"))));

        assertEquals(Optional.empty(), result.failedPosition());
        assertEquals(3, result.published());
        assertEquals(List.of(List.of("u-1 entered new_no_order"), List.of("u-2 left dormant", "u-2 entered high_value")),
                published.stream().map(SegmentFeedTest::words).toList());
    }

    @Test
    void unchangedTagsAndOpsSubjectsPublishNothing() {
        SegmentFeed.Result result = new SegmentFeed(published::add).publish(List.of(
                write("1", "u-1", Set.of("high_value"), Set.of("high_value")),
                write("2", null, null, Set.of("looks_like_a_tag")),
                write("3", "u-3", null, null)));

        assertEquals(0, result.published());
        assertTrue(published.isEmpty());
    }

    @Test
    void aRefusedPublicationStopsAtThatWriteSoItAndLaterOnesComeAgain() {
        SegmentChangePublisher flaky = changes -> {
            if (changes.getFirst().userId().equals("u-2")) {
                throw new IllegalStateException("topic throttled");
            }
            published.add(changes);
        };

        SegmentFeed.Result result = new SegmentFeed(flaky).publish(List.of(
                write("1", "u-1", null, Set.of("new_no_order")),
                write("2", "u-2", null, Set.of("high_value")),
                write("3", "u-3", null, Set.of("dormant"))));

        assertEquals(Optional.of("2"), result.failedPosition());
        assertTrue(result.error().contains("throttled"));
        assertEquals(1, result.published());
        assertEquals(1, published.size(), "u-3 waits for the redelivery, to keep per-user order");
    }

    @Test
    void aChangeKeepsItsIdAcrossDeliveries() {
        SegmentChange first = SegmentFeed.changes(write("9", "u-1", null, Set.of("high_value"))).getFirst();
        SegmentChange again = SegmentFeed.changes(write("9", "u-1", null, Set.of("high_value"))).getFirst();

        assertEquals("u-1|high_value|entered|" + AT, first.changeId());
        assertEquals(first.changeId(), again.changeId());
    }

    private static List<String> words(List<SegmentChange> changes) {
        return changes.stream().map(c -> c.userId() + " " + c.kind().wireName() + " " + c.tag()).toList();
    }

    private static SegmentFeed.TagsWritten write(String position, String userId, Set<String> before, Set<String> after) {
        return new SegmentFeed.TagsWritten(position, userId, before, after, AT);
    }
}
