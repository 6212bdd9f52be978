package dev.winback.core.segments;

import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.segments.SegmentChange.Kind;
import dev.winback.testing.EventJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Segment entries and exits computed by the ingest write, previous tags against new ones. */
class SegmentChangesIngestTest {

    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3_600), ZoneOffset.UTC);
    private static final Policy POLICY = CustomSegmentRulesTest.withCustom(customs());

    private final InMemoryStateStore store = new InMemoryStateStore();

    private static Map<String, String> customs() {
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("big_cart", "cartValue >= 100.0");
        custom.put("gold", "profile.tier == 'gold'"); // fails for users without a tier
        return custom;
    }

    private static StreamRecord rec(long seq, EventJson event) {
        return event.id("ev-" + seq).at(T0.plusSeconds(seq)).record(Long.toString(seq));
    }

    private IngestReport ingest(StateStore target, StreamRecord... records) {
        return new StreamIngest(POLICY, target, new CollectingQuarantine(), CLOCK, 1).ingest(List.of(records));
    }

    private static SegmentChange entered(String user, String tag, long seq) {
        return new SegmentChange(user, tag, Kind.ENTERED, T0.plusSeconds(seq));
    }

    private static SegmentChange left(String user, String tag, long seq) {
        return new SegmentChange(user, tag, Kind.LEFT, T0.plusSeconds(seq));
    }

    @Test
    void enteredAndLeftAcrossTwoBatches() {
        IngestReport first = ingest(store,
                rec(1, userEvent("register").user("u1")),
                rec(2, userEvent("cart_add").user("u1").with("itemId", "i1").with("price", "60.00").with("quantity", 2)),
                rec(3, userEvent("login").user("u2")),
                rec(4, userEvent("profile_updated").user("u2").with("tier", "gold")));
        assertEquals(List.of(
                entered("u1", "big_cart", 2), entered("u1", "dormant", 2), entered("u1", "new_no_order", 2),
                entered("u2", "gold", 4)), first.segmentChanges());
        assertEquals(1, first.segmentFailures(), "u1 has no tier: counted, not failed");
        assertTrue(first.failedSequenceNumbers().isEmpty());
        assertEquals(Set.of("big_cart", "dormant", "new_no_order"), Set.copyOf(store.all().get("user#u1").tags()));

        IngestReport second = ingest(store,
                rec(10, userEvent("login").user("u1")),
                rec(11, userEvent("order_placed").user("u1").with("orderId", "o1").with("amount", "120.00")),
                rec(12, userEvent("page_enter").user("u2").with("page", "home")));
        assertEquals(List.of(left("u1", "big_cart", 11), left("u1", "dormant", 11), left("u1", "new_no_order", 11)),
                second.segmentChanges(), "the order emptied the cart; u2 changed nothing");
    }

    @Test
    void redeliveryReportsNoChange() {
        StreamRecord register = rec(1, userEvent("register").user("u1"));
        assertEquals(2, ingest(store, register).segmentChanges().size());
        IngestReport again = ingest(store, register);
        assertEquals(List.of(), again.segmentChanges());
        assertEquals(1, again.duplicates());
    }

    @Test
    void aSubjectThatIsNotSavedReportsNoChangesAndItsRetryDoes() {
        StateStore refusing = new StateStore() {
            @Override
            public Map<String, StoredState> load(Collection<String> keys) {
                return store.load(keys);
            }

            @Override
            public SaveOutcome save(StoredState next, long expectedVersion) {
                return next.key().equals("user#u2") ? SaveOutcome.UNAVAILABLE : store.save(next, expectedVersion);
            }
        };
        StreamRecord one = rec(1, userEvent("register").user("u1"));
        StreamRecord two = rec(2, userEvent("register").user("u2"));
        IngestReport report = ingest(refusing, one, two);
        assertEquals(List.of("2"), report.failedSequenceNumbers());
        assertEquals(Set.of("u1"), users(report));
        assertEquals(Set.of("u2"), users(ingest(store, one, two)));
    }

    @Test
    void withoutCustomSegmentsTheBuiltInChangesAreStillReported() {
        IngestReport report = new StreamIngest(dev.winback.core.policy.PolicyLoader.defaults(), store,
                new CollectingQuarantine(), CLOCK, 4).ingest(List.of(
                        rec(1, userEvent("register").user("u1")), rec(2, userEvent("login").user("u2"))));
        assertEquals(List.of(entered("u1", "dormant", 1), entered("u1", "new_no_order", 1)), report.segmentChanges());
        assertEquals(0, report.segmentFailures());
    }

    private static Set<String> users(IngestReport report) {
        Set<String> users = new TreeSet<>();
        report.segmentChanges().forEach(c -> users.add(c.userId()));
        return users;
    }
}
