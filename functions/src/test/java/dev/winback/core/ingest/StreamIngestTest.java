package dev.winback.core.ingest;

import static dev.winback.testing.EventJson.event;
import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.event.Rejection;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamIngestTest {

    private static final Policy POLICY = PolicyLoader.defaults();
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final Instant NOW = T0.plusSeconds(3_600);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final InMemoryStateStore store = new InMemoryStateStore();
    private final CollectingQuarantine quarantine = new CollectingQuarantine();

    // --- helpers ---------------------------------------------------------------------------------

    private StreamIngest ingest(StateStore target) {
        return new StreamIngest(POLICY, target, quarantine, CLOCK, 1);
    }

    private IngestReport run(List<StreamRecord> batch) {
        return ingest(store).ingest(batch);
    }

    /** A record at {@code seq} carrying {@code event}, stamped {@code seq} seconds after T0, eventId "ev-seq". */
    private static StreamRecord rec(long seq, EventJson event) {
        return event.id("ev-" + seq).at(T0.plusSeconds(seq)).record(Long.toString(seq));
    }

    /** A record whose bytes are exactly {@code text} (for poison records). */
    private static StreamRecord raw(long seq, String text) {
        return new StreamRecord(Long.toString(seq), "poison", T0.plusSeconds(seq),
                text.getBytes(StandardCharsets.UTF_8), "test:" + seq);
    }

    private static EventJson login(String user) {
        return userEvent("login").user(user);
    }

    private static EventJson cartAdd(String user, String item, String price, int quantity) {
        return userEvent("cart_add").user(user).with("itemId", item).with("price", price).with("quantity", quantity)
                .with("merchantId", "m1");
    }

    private static EventJson pressure(String zone, double value) {
        return event("delivery_pressure").with("zone", zone).with("value", value);
    }

    /** A varied but deterministic user event: every record of a batch is realistic and valid. */
    private static EventJson randomUserEvent(Random rnd, String user, long seq) {
        String session = "s-" + user + "-" + (seq / 40);
        String[] pages = {"home", "merchant", "product", "order", "coupon"};
        return switch (rnd.nextInt(12)) {
            case 0 -> login(user);
            case 1, 2, 3 -> userEvent("page_enter").user(user).session(session).with("page", pages[rnd.nextInt(5)]);
            case 4, 5 -> cartAdd(user, "sku-" + rnd.nextInt(4), (1 + rnd.nextInt(4000)) / 100 + "." + rnd.nextInt(10),
                    1 + rnd.nextInt(3)).session(session);
            case 6 -> userEvent("cart_remove").user(user).with("itemId", "sku-" + rnd.nextInt(4)).session(session);
            case 7 -> userEvent("order_placed").user(user).session(session).with("orderId", "o-" + seq)
                    .with("amount", new BigDecimal(rnd.nextInt(30_000)).movePointLeft(2));
            case 8 -> userEvent("app_leave").user(user).session(session);
            case 9 -> userEvent("profile_updated").user(user).with("name", "name-" + rnd.nextInt(100));
            case 10 -> userEvent("message_delivered").user(user).with("messageId", "msg-" + rnd.nextInt(9));
            default -> userEvent("register").user(user);
        };
    }

    /** {@code size} records numbered from {@code firstSeq}, interleaving users u0..u(users-1). */
    private static List<StreamRecord> userBatch(int size, int users, long firstSeq, long seed) {
        Random rnd = new Random(seed);
        List<StreamRecord> batch = new ArrayList<>(size);
        for (long seq = firstSeq; seq < firstSeq + size; seq++) {
            String user = "u" + (seq * 37 % users);
            batch.add(rec(seq, randomUserEvent(rnd, user, seq)));
        }
        return batch;
    }

    /** Each stored subject as readable text: version, high-water mark, tags and the state's JSON. */
    private static Map<String, String> snapshot(InMemoryStateStore target) {
        Map<String, String> view = new TreeMap<>();
        target.all().forEach((key, stored) -> view.put(key, "v" + stored.version() + " hw=" + stored.highWater()
                + " tags=" + new TreeSet<>(stored.tags()) + " " + StateCodec.toJson(decode(stored))));
        return view;
    }

    /** Each stored subject's exact bytes, fingerprints of recent event ids included. */
    private static Map<String, String> bodies(InMemoryStateStore target) {
        Map<String, String> view = new TreeMap<>();
        target.all().forEach((key, stored) -> view.put(key, Base64.getEncoder().encodeToString(stored.body())));
        return view;
    }

    private static Object decode(StoredState stored) {
        return SubjectKey.isUser(stored.key())
                ? StateCodec.fromBytes(stored.body(), UserState.class)
                : StateCodec.fromBytes(stored.body(), OpsState.class);
    }

    private UserState user(String userId) {
        StoredState stored = store.all().get(SubjectKey.user(userId));
        assertNotNull(stored, "no state for " + userId);
        return StateCodec.fromBytes(stored.body(), UserState.class);
    }

    private static List<String> sequenceNumbers(Collection<StreamRecord> records) {
        return records.stream().map(StreamRecord::sequenceNumber).toList();
    }

    private static List<StreamRecord> from(List<StreamRecord> batch, String firstSequenceNumber) {
        return batch.stream()
                .filter(r -> SequenceNumbers.ORDER.compare(r.sequenceNumber(), firstSequenceNumber) >= 0)
                .toList();
    }

    /** Delegates to another store; tests override what they need and count calls. */
    private static class ForwardingStore implements StateStore {
        final StateStore inner;
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger saves = new AtomicInteger();

        ForwardingStore(StateStore inner) {
            this.inner = inner;
        }

        @Override
        public Map<String, StoredState> load(Collection<String> keys) {
            loads.incrementAndGet();
            return inner.load(keys);
        }

        @Override
        public SaveOutcome save(StoredState next, long expectedVersion) {
            saves.incrementAndGet();
            return inner.save(next, expectedVersion);
        }
    }

    // --- one write per subject -------------------------------------------------------------------

    @Nested
    class Coalescing {

        private List<StreamRecord> fiftyRecordsForSevenUsersAndOneZone() {
            List<StreamRecord> batch = new ArrayList<>();
            Random rnd = new Random(7);
            for (long seq = 1; seq <= 50; seq++) {
                batch.add(seq % 10 == 0
                        ? rec(seq, pressure("z1", seq / 100.0))
                        : rec(seq, randomUserEvent(rnd, "u" + (seq % 7), seq)));
            }
            return batch;
        }

        @Test
        void aBatchWritesEachDistinctSubjectOnce() {
            ForwardingStore counting = new ForwardingStore(store);
            IngestReport report = ingest(counting).ingest(fiftyRecordsForSevenUsersAndOneZone());

            assertEquals(new IngestReport(50, 50, 0, 0, 8, 8, 0, List.of()), report.counts());
            assertFalse(report.hasFailures());
            assertEquals(8, counting.saves.get());
            assertEquals(1, counting.loads.get(), "one load for the whole batch");
            assertEquals(Set.of("user#u0", "user#u1", "user#u2", "user#u3", "user#u4", "user#u5", "user#u6",
                    "zone#z1"), store.all().keySet());
            store.all().values().forEach(stored -> assertEquals(1, stored.version(), stored.key()));
        }

        @Test
        void theHighWaterMarkIsEachSubjectsLastSequenceNumber() {
            run(fiftyRecordsForSevenUsersAndOneZone());
            assertEquals("50", store.all().get("zone#z1").highWater());
            assertEquals("49", store.all().get("user#u0").highWater()); // 49 % 7 == 0
            assertEquals("48", store.all().get("user#u6").highWater()); // 48 % 7 == 6
        }

        @Test
        void aRedeliveredBatchChangesNothingAndWritesNothing() {
            List<StreamRecord> batch = fiftyRecordsForSevenUsersAndOneZone();
            run(batch);
            Map<String, String> before = snapshot(store);
            Map<String, String> bytesBefore = bodies(store);

            ForwardingStore counting = new ForwardingStore(store);
            IngestReport again = ingest(counting).ingest(batch);

            assertEquals(new IngestReport(50, 0, 50, 0, 8, 0, 0, List.of()), again.counts());
            assertEquals(0, counting.saves.get());
            assertEquals(before, snapshot(store));
            assertEquals(bytesBefore, bodies(store));
        }

        @Test
        void aPartlyRedeliveredBatchAppliesOnlyTheNewRecords() {
            run(List.of(rec(1, cartAdd("u1", "sku-1", "10.00", 1)), rec(2, cartAdd("u1", "sku-1", "10.00", 1))));
            IngestReport report = run(List.of(rec(2, cartAdd("u1", "sku-1", "10.00", 1)),
                    rec(3, cartAdd("u1", "sku-1", "10.00", 1))));
            assertEquals(1, report.applied());
            assertEquals(1, report.duplicates());
            assertEquals(3, user("u1").cart.get(0).quantity());
            assertEquals(2, store.all().get("user#u1").version());
            assertEquals("3", store.all().get("user#u1").highWater());
        }

        @Test
        void theSameEventIdInALaterRecordIsAProducerRetry() {
            EventJson add = cartAdd("u1", "sku-1", "10.00", 2).id("evt-42");
            run(List.of(add.record("100")));
            IngestReport retry = run(List.of(add.record("101")));

            assertEquals(0, retry.applied());
            assertEquals(1, retry.duplicates());
            assertEquals(0, retry.writes());
            assertEquals(2, user("u1").cart.get(0).quantity());
        }

        @Test
        void theSameEventIdTwiceInOneBatchIsAppliedOnce() {
            EventJson add = cartAdd("u1", "sku-1", "10.00", 2).id("evt-42");
            IngestReport report = run(List.of(add.record("1"), rec(2, login("u1")), add.record("3")));
            assertEquals(2, report.applied());
            assertEquals(1, report.duplicates());
            assertEquals(1, report.writes());
            assertEquals(2, user("u1").cart.get(0).quantity());
        }

        @Test
        void eventsOfDifferentTypesAreAllFoldedIntoTheUser() {
            run(List.of(rec(1, userEvent("register").user("u1")), rec(2, login("u1")),
                    rec(3, cartAdd("u1", "sku-1", "25.00", 2)), rec(4, cartAdd("u1", "sku-2", "5.00", 1)),
                    rec(5, userEvent("cart_remove").user("u1").with("itemId", "sku-2"))));
            UserState u1 = user("u1");
            assertEquals(T0.plusSeconds(1), u1.registeredAt);
            assertEquals(T0.plusSeconds(2), u1.lastLoginAt);
            assertEquals(0, new BigDecimal("50.00").compareTo(u1.cartValue()));
            assertEquals(T0.plusSeconds(5), u1.lastSeenAt);
        }
    }

    // --- ops subjects ----------------------------------------------------------------------------

    @Nested
    class OpsSubjects {

        @Test
        void zoneAndMerchantReportsAreStoredUnderTheirOwnKeys() {
            run(List.of(rec(1, pressure("z1", 0.85)),
                    rec(2, event("merchant_supply").with("merchantId", "m7").with("status", "out"))));
            OpsState zone = (OpsState) decode(store.all().get("zone#z1"));
            OpsState merchant = (OpsState) decode(store.all().get("merchant#m7"));
            assertEquals(0.85, zone.deliveryPressure);
            assertEquals("z1", zone.zone);
            assertEquals("out", merchant.supply);
            assertEquals(Set.of(), store.all().get("zone#z1").tags());
        }

        @Test
        void anOlderReportArrivingLaterDoesNotOverrideTheNewest() {
            run(List.of(pressure("z1", 0.9).id("p1").at(T0.plusSeconds(60)).record("1"),
                    pressure("z1", 0.2).id("p2").at(T0.plusSeconds(30)).record("2")));
            OpsState zone = (OpsState) decode(store.all().get("zone#z1"));
            assertEquals(0.9, zone.deliveryPressure);
            assertEquals(T0.plusSeconds(60), zone.updatedAt);
        }
    }

    // --- quarantine ------------------------------------------------------------------------------

    @Nested
    class Poison {

        @Test
        void poisonRecordsAreQuarantinedWithReasonsAndGoodRecordsApplied() {
            EventJson fromTheFuture = login("u2").id("f1").at(T0.plusSeconds(1_000));
            List<StreamRecord> batch = List.of(
                    rec(1, login("u1")),
                    raw(2, "{not json"),
                    rec(3, userEvent("page_view").user("u1")),
                    new StreamRecord("4", "u2", T0, fromTheFuture.bytes(), "test:4"),
                    raw(5, "[1,2]"),
                    rec(6, cartAdd("u1", "sku-1", "3.00", 1)),
                    rec(7, userEvent("cart_add").user("u1").with("itemId", "sku-2").with("price", "-1")
                            .with("quantity", 1)),
                    raw(8, "{\"pad\":\"" + "x".repeat(70_000) + "\"}"),
                    rec(9, login("u2")));

            IngestReport report = run(batch);

            assertEquals(new IngestReport(9, 3, 0, 6, 2, 2, 0, List.of()), report.counts());
            List<Quarantine.QuarantinedRecord> sent = quarantine.records();
            assertEquals(List.of("2", "3", "4", "5", "7", "8"),
                    sent.stream().map(q -> q.record().sequenceNumber()).toList());
            assertEquals(List.of(Rejection.INVALID_JSON, Rejection.UNKNOWN_TYPE, Rejection.FUTURE_TIMESTAMP,
                    Rejection.NOT_AN_OBJECT, Rejection.INVALID_FIELD, Rejection.TOO_LARGE),
                    sent.stream().map(q -> q.reason().code()).toList());
            assertEquals("price", sent.get(4).reason().field());
            sent.forEach(q -> assertEquals(NOW, q.quarantinedAt()));
            assertEquals(batch.get(1), sent.get(0).record(), "the record is kept as received");

            assertEquals(1, user("u1").cart.size());
            assertEquals(T0.plusSeconds(9), user("u2").lastLoginAt);
        }

        @Test
        void aBatchOfOnlyPoisonTouchesNoState() {
            ForwardingStore counting = new ForwardingStore(store);
            IngestReport report = ingest(counting).ingest(List.of(raw(1, "nope"), raw(2, "{}")));
            assertEquals(2, report.quarantined());
            assertEquals(0, counting.loads.get());
            assertEquals(0, counting.saves.get());
            assertTrue(store.all().isEmpty());
        }

        @Test
        void aRecordTheQuarantineCannotTakeIsReportedAsFailed() {
            Quarantine refusing = records -> {
                Set<String> refused = new HashSet<>();
                records.stream().map(q -> q.record().sequenceNumber()).filter("3"::equals).forEach(refused::add);
                return refused;
            };
            StreamIngest ingest = new StreamIngest(POLICY, store, refusing, CLOCK, 1);
            IngestReport report = ingest.ingest(List.of(rec(1, login("u1")), raw(2, "x"), raw(3, "y"),
                    rec(4, login("u2"))));
            assertEquals(List.of("3"), report.failedSequenceNumbers());
            assertEquals(1, report.quarantined());
            assertEquals(2, report.applied());
        }

        @Test
        void aRefusedQuarantineBatchStopsTheSendSoLaterRecordsAreNotQuarantinedTwice() {
            // 12 poison records = two queue batches (10 + 2); the second batch is refused once.
            List<String> delivered = new ArrayList<>();
            boolean[] refuseOnce = {true};
            Quarantine flaky = records -> {
                boolean secondBatch = records.getFirst().record().sequenceNumber().equals("12");
                if (secondBatch && refuseOnce[0]) {
                    refuseOnce[0] = false;
                    Set<String> refused = new HashSet<>();
                    records.forEach(q -> refused.add(q.record().sequenceNumber()));
                    return refused;
                }
                records.forEach(q -> delivered.add(q.record().sequenceNumber()));
                return Set.of();
            };
            List<StreamRecord> batch = new ArrayList<>();
            batch.add(rec(1, login("u1")));
            for (long seq = 2; seq <= 13; seq++) {
                batch.add(raw(seq, "bad " + seq));
            }
            batch.add(rec(14, login("u2")));
            StreamIngest ingest = new StreamIngest(POLICY, store, flaky, CLOCK, 1);

            IngestReport first = ingest.ingest(batch);
            assertEquals("12", first.failedSequenceNumbers().get(0));
            ingest.ingest(from(batch, first.failedSequenceNumbers().get(0)));

            assertEquals(12, delivered.size());
            assertEquals(12, new HashSet<>(delivered).size(), "every poison record quarantined exactly once");
        }
    }

    // --- transient store failures and retries ----------------------------------------------------

    @Nested
    class Failures {

        /** 60 records for u1..u6 (u3's first at seq 4) and poison at seq 3 and seq 40. */
        private List<StreamRecord> batchWithPoison() {
            Random rnd = new Random(11);
            List<StreamRecord> batch = new ArrayList<>();
            int next = 0;
            for (long seq = 1; seq <= 60; seq++) {
                if (seq == 3) {
                    batch.add(raw(seq, "{\"type\":\"login\"}"));
                } else if (seq == 40) {
                    batch.add(raw(seq, "not json"));
                } else {
                    batch.add(rec(seq, randomUserEvent(rnd, "u" + (1 + next++ % 6), seq)));
                }
            }
            return batch;
        }

        private List<String> sequenceNumbersOf(List<StreamRecord> batch, String userId) {
            return batch.stream().filter(r -> r.partitionKey().equals(userId)).map(StreamRecord::sequenceNumber)
                    .toList();
        }

        private ForwardingStore unavailableFor(String key) {
            return new ForwardingStore(store) {
                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    return next.key().equals(key) ? SaveOutcome.UNAVAILABLE : super.save(next, expectedVersion);
                }
            };
        }

        @Test
        void anUnavailableSaveFailsExactlyThatSubjectsRecords() {
            List<StreamRecord> batch = batchWithPoison();
            IngestReport report = ingest(unavailableFor("user#u3")).ingest(batch);

            List<String> u3 = sequenceNumbersOf(batch, "u3");
            assertEquals("4", u3.get(0));
            assertEquals(u3, report.failedSequenceNumbers());
            assertFalse(store.all().containsKey("user#u3"));
            assertEquals(5, store.all().size());
            assertEquals(5, report.writes());
        }

        @Test
        void aRetryFromTheLowestFailedSequenceNumberEndsLikeACleanRun() {
            List<StreamRecord> batch = batchWithPoison();
            InMemoryStateStore clean = new InMemoryStateStore();
            new StreamIngest(POLICY, clean, new CollectingQuarantine(), CLOCK, 1).ingest(batch);

            IngestReport first = ingest(unavailableFor("user#u3")).ingest(batch);
            IngestReport retry = ingest(store).ingest(from(batch, first.failedSequenceNumbers().get(0)));

            assertFalse(retry.hasFailures());
            assertEquals(snapshot(clean), snapshot(store));
            assertEquals(bodies(clean), bodies(store));
            assertEquals(1, retry.writes(), "only u3 is written again");
        }

        @Test
        void poisonAfterTheFirstFailureIsQuarantinedOnTheRetryExactlyOnce() {
            List<StreamRecord> batch = batchWithPoison();
            IngestReport first = ingest(unavailableFor("user#u3")).ingest(batch);

            assertEquals(List.of("3"), sequenceNumbers(quarantine.records().stream().map(q -> q.record()).toList()));
            assertEquals(1, first.quarantined());

            IngestReport retry = ingest(store).ingest(from(batch, first.failedSequenceNumbers().get(0)));
            assertEquals(1, retry.quarantined());
            assertEquals(List.of("3", "40"),
                    sequenceNumbers(quarantine.records().stream().map(q -> q.record()).toList()));
            assertEquals(Rejection.MISSING_FIELD, quarantine.records().get(0).reason().code());
            assertEquals(Rejection.INVALID_JSON, quarantine.records().get(1).reason().code());
        }

        @Test
        void aSaveThatThrowsStoreUnavailableIsRetriedLater() {
            ForwardingStore throwing = new ForwardingStore(store) {
                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    if (next.key().equals("user#u2")) {
                        throw new StoreUnavailableException("throttled", null);
                    }
                    return super.save(next, expectedVersion);
                }
            };
            IngestReport report = ingest(throwing).ingest(List.of(rec(1, login("u1")), rec(2, login("u2")),
                    rec(3, login("u2")), rec(4, login("u1"))));
            assertEquals(List.of("2", "3"), report.failedSequenceNumbers());
            assertEquals(2, report.applied());
        }

        @Test
        void aLoadThatThrowsFailsEveryRecord() {
            ForwardingStore down = new ForwardingStore(store) {
                @Override
                public Map<String, StoredState> load(Collection<String> keys) {
                    throw new StoreUnavailableException("DynamoDB 503", null);
                }
            };
            List<StreamRecord> batch = List.of(raw(1, "garbage"), rec(2, login("u1")), rec(3, pressure("z1", 0.5)),
                    rec(4, login("u2")), raw(5, "more garbage"), rec(6, login("u1")));

            IngestReport report = ingest(down).ingest(batch);

            assertEquals(List.of("2", "3", "4", "6"), report.failedSequenceNumbers());
            assertEquals(0, report.applied());
            assertEquals(0, report.writes());
            assertEquals(List.of("1"), sequenceNumbers(quarantine.records().stream().map(q -> q.record()).toList()),
                    "poison before the first failure is quarantined now, the rest comes back");
            assertEquals(1, report.quarantined());
            assertEquals(0, down.saves.get());
        }
    }

    // --- optimistic locking ----------------------------------------------------------------------

    @Nested
    class Conflicts {

        /** Another writer sets the user's profile name between our load and our save. */
        private void otherWriterSetsName(String userId, String name) {
            String key = SubjectKey.user(userId);
            StoredState held = store.load(List.of(key)).get(key);
            UserState state = held == null ? UserState.newUser(userId)
                    : StateCodec.fromBytes(held.body(), UserState.class);
            state.apply(userEvent("profile_updated").user(userId).id("other-" + name).with("name", name).decoded(),
                    POLICY);
            state.remember("other-" + name, POLICY.ingest().dedupWindow());
            long version = held == null ? 0 : held.version();
            assertEquals(StateStore.SaveOutcome.SAVED, store.save(new StoredState(key, version + 1,
                    held == null ? null : held.highWater(), StateCodec.toBytes(state),
                    held == null ? Set.of() : held.tags()), version));
        }

        private ForwardingStore racingOnFirstSave(String userId, String name) {
            return new ForwardingStore(store) {
                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    if (saves.get() == 0) {
                        otherWriterSetsName(userId, name);
                    }
                    return super.save(next, expectedVersion);
                }
            };
        }

        @Test
        void aConflictReloadsAndMergesWithTheOtherWriter() {
            run(List.of(rec(1, cartAdd("u1", "sku-1", "10.00", 1)), rec(2, login("u1"))));

            ForwardingStore racing = racingOnFirstSave("u1", "Han Meimei");
            IngestReport report = ingest(racing).ingest(List.of(rec(3, cartAdd("u1", "sku-1", "10.00", 2)),
                    rec(4, cartAdd("u1", "sku-2", "4.00", 1))));

            assertEquals(new IngestReport(2, 2, 0, 0, 1, 1, 1, List.of()), report.counts());
            assertEquals(2, racing.saves.get());
            StoredState stored = store.all().get("user#u1");
            assertEquals(3, stored.version());
            assertEquals("4", stored.highWater());
            UserState u1 = user("u1");
            assertEquals("Han Meimei", u1.profileText("name"), "the other writer's change survives");
            assertEquals(3, u1.cart.get(0).quantity(), "our batch is applied exactly once");
            assertEquals(0, new BigDecimal("34.00").compareTo(u1.cartValue()));
            assertTrue(u1.hasSeen("ev-3") && u1.hasSeen("other-Han Meimei"));
        }

        @Test
        void aConflictOnANewUserReloadsTheOtherWritersFirstVersion() {
            ForwardingStore racing = racingOnFirstSave("u9", "Li Lei");
            IngestReport report = ingest(racing).ingest(List.of(rec(1, userEvent("register").user("u9"))));

            assertEquals(1, report.conflicts());
            assertEquals(1, report.writes());
            assertEquals(2, store.all().get("user#u9").version());
            UserState u9 = user("u9");
            assertEquals("Li Lei", u9.profileText("name"));
            assertEquals(T0.plusSeconds(1), u9.registeredAt);
        }

        /**
         * The batch read may be eventually consistent (StateStore.loadRecent): here it misses the last
         * batch's write entirely. The conditional save catches it, the current reread follows, and the
         * user ends exactly as after a run with current reads.
         */
        @Test
        void aStaleBatchReadEndsInAConflictAndTheCurrentRereadWins() {
            run(List.of(rec(1, cartAdd("u1", "sku-1", "10.00", 1)), rec(2, login("u1"))));
            InMemoryStateStore before = store.copy();
            run(List.of(rec(3, cartAdd("u1", "sku-2", "4.00", 1))));
            List<String> rereads = new ArrayList<>();
            ForwardingStore stale = new ForwardingStore(store) {
                @Override
                public Map<String, StoredState> loadRecent(Collection<String> keys) {
                    return before.load(keys); // a replica that has not seen seq 3's write yet
                }

                @Override
                public Map<String, StoredState> load(Collection<String> keys) {
                    rereads.addAll(keys);
                    return super.load(keys);
                }
            };

            IngestReport report = ingest(stale).ingest(List.of(rec(4, cartAdd("u1", "sku-1", "10.00", 2))));

            assertEquals(1, report.conflicts(), "the save on the stale version is refused");
            assertEquals(List.of("user#u1"), rereads, "then the user is read again, current");
            assertEquals(1, report.writes());
            StoredState stored = store.all().get("user#u1");
            assertEquals(3, stored.version());
            assertEquals("4", stored.highWater());
            UserState u1 = user("u1");
            assertEquals(0, new BigDecimal("34.00").compareTo(u1.cartValue()), "seq 3 and seq 4 both count, once");
            assertTrue(u1.hasSeen("ev-3") && u1.hasSeen("ev-4"));
        }

        @Test
        void endlessConflictsGiveUpAndReportTheRecordsAsFailed() {
            ForwardingStore alwaysConflicting = new ForwardingStore(store) {
                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    saves.incrementAndGet();
                    return next.key().equals("user#u1") ? SaveOutcome.CONFLICT : inner.save(next, expectedVersion);
                }
            };
            IngestReport report = ingest(alwaysConflicting).ingest(List.of(rec(1, login("u1")),
                    rec(2, login("u2")), rec(3, login("u1"))));
            assertEquals(List.of("1", "3"), report.failedSequenceNumbers());
            assertEquals(4, report.conflicts());
            assertEquals(1, report.writes());
            assertFalse(store.all().containsKey("user#u1"));
        }
    }

    // --- parallelism -----------------------------------------------------------------------------

    @Nested
    class Parallelism {

        @Test
        void sixteenWritersEndInTheSameStateAsOne() {
            List<StreamRecord> batch = userBatch(2_000, 200, 1_000, 2026);

            InMemoryStateStore serial = new InMemoryStateStore();
            IngestReport one = new StreamIngest(POLICY, serial, new CollectingQuarantine(), CLOCK, 1).ingest(batch);

            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            InMemoryStateStore parallel = new InMemoryStateStore();
            StateStore slow = new ForwardingStore(parallel) {
                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(1);
                        return super.save(next, expectedVersion);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            };
            IngestReport sixteen = new StreamIngest(POLICY, slow, new CollectingQuarantine(), CLOCK, 16).ingest(batch);

            assertEquals(one, sixteen);
            assertEquals(200, one.subjects());
            assertEquals(2_000, one.applied());
            assertEquals(snapshot(serial), snapshot(parallel));
            assertEquals(bodies(serial), bodies(parallel));
            assertTrue(maxInFlight.get() <= 16, "at most 16 saves at once, saw " + maxInFlight.get());
            assertTrue(maxInFlight.get() > 1, "saves ran in parallel");
        }
    }

    // --- segment tags ----------------------------------------------------------------------------

    @Nested
    class Tags {

        @Test
        void segmentTagsAreStoredBesideTheState() {
            run(List.of(rec(1, userEvent("register").user("u1"))));
            StoredState stored = store.all().get("user#u1");
            assertEquals(Set.of(SegmentRules.NEW_NO_ORDER, SegmentRules.DORMANT), stored.tags());
            assertEquals(stored.tags(), user("u1").tags);

            run(List.of(rec(2, login("u1"))));
            assertEquals(Set.of(SegmentRules.NEW_NO_ORDER), store.all().get("user#u1").tags());

            List<StreamRecord> orders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                orders.add(rec(3 + i, userEvent("order_placed").user("u1").with("orderId", "o" + i)
                        .with("amount", "125.00")));
            }
            run(orders);
            assertEquals(Set.of(SegmentRules.HIGH_VALUE, SegmentRules.HIGH_FREQUENCY),
                    store.all().get("user#u1").tags());
            assertEquals(store.all().get("user#u1").tags(), user("u1").tags);
        }
    }

    // --- sequence numbers ------------------------------------------------------------------------

    @Nested
    class Sequences {

        @Test
        void sequenceNumbersCompareByLengthThenDigits() {
            List<String> sorted = new ArrayList<>(List.of("10", "9", "100", "99", "1",
                    "49590338271490256608559692538361571095921575989136588898",
                    "49590338271490256608559692538361571095921575989136588899",
                    "4959033827149025660855969253836157109592157598913658889"));
            sorted.sort(SequenceNumbers.ORDER);
            assertEquals(List.of("1", "9", "10", "99", "100",
                    "4959033827149025660855969253836157109592157598913658889",
                    "49590338271490256608559692538361571095921575989136588898",
                    "49590338271490256608559692538361571095921575989136588899"), sorted);
        }

        @Test
        void isAfterIsStrictAndAnythingIsAfterNothing() {
            assertTrue(SequenceNumbers.isAfter("1", null));
            assertTrue(SequenceNumbers.isAfter("10", "9"));
            assertFalse(SequenceNumbers.isAfter("9", "10"));
            assertFalse(SequenceNumbers.isAfter("10", "10"));
        }

        @Test
        void theHighWaterMarkUsesNumericOrder() {
            run(List.of(rec(9, login("u1")), rec(10, login("u1"))));
            assertEquals("10", store.all().get("user#u1").highWater());

            IngestReport redelivered = run(List.of(rec(9, login("u1"))));
            assertEquals(1, redelivered.duplicates());
            assertEquals(0, redelivered.writes());

            IngestReport later = run(List.of(rec(11, login("u1"))));
            assertEquals(1, later.applied());
            assertEquals("11", store.all().get("user#u1").highWater());
        }

        @Test
        void failedSequenceNumbersAreReportedInStreamOrder() {
            ForwardingStore down = new ForwardingStore(store) {
                @Override
                public Map<String, StoredState> load(Collection<String> keys) {
                    throw new StoreUnavailableException("down", null);
                }
            };
            IngestReport report = ingest(down).ingest(List.of(rec(8, login("u1")), rec(9, login("u2")),
                    rec(10, login("u1")), rec(100, login("u3"))));
            assertEquals(List.of("8", "9", "10", "100"), report.failedSequenceNumbers());
        }
    }
}
