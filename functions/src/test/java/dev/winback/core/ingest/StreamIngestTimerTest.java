package dev.winback.core.ingest;

import static dev.winback.testing.EventJson.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.testing.EventJson;
import dev.winback.testing.Policies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A2/A9 in ingestion: which deadline timers a batch arms, and what happens when they cannot be armed. */
class StreamIngestTimerTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final Instant NOW = T0.plusSeconds(600);

    private final InMemoryStateStore store = new InMemoryStateStore();
    private final CollectingQuarantine quarantine = new CollectingQuarantine();
    private final FakeScheduler scheduler = new FakeScheduler();

    /** Keeps every schedule call; refuses while {@link #down}; can look at the store when called. */
    final class FakeScheduler implements TimerScheduler {
        final List<List<Timer>> calls = new ArrayList<>();
        final List<Instant> nows = new ArrayList<>();
        final List<Set<String>> storedKeysAtCall = new ArrayList<>();
        boolean down;

        @Override
        public synchronized void schedule(List<Timer> timers, Instant now) {
            storedKeysAtCall.add(Set.copyOf(store.all().keySet()));
            if (down) {
                throw new TimerUnavailableException("scheduler throttled", null);
            }
            calls.add(List.copyOf(timers));
            nows.add(now);
        }

        synchronized List<Timer> all() {
            return calls.stream().flatMap(List::stream).toList();
        }
    }

    private IngestReport run(int parallelism, StreamRecord... records) {
        return new StreamIngest(POLICY, store, quarantine, Clock.fixed(NOW, ZoneOffset.UTC), parallelism, scheduler)
                .ingest(List.of(records));
    }

    private IngestReport run(StreamRecord... records) {
        return run(1, records);
    }

    /** A record at {@code seq}, stamped {@code seq} seconds after T0, eventId "ev-seq". */
    private static StreamRecord rec(long seq, EventJson e) {
        return e.id("ev-" + seq).at(T0.plusSeconds(seq)).record(Long.toString(seq));
    }

    private static StreamRecord enter(long seq, String user, String page) {
        return rec(seq, event("page_enter").user(user).with("page", page));
    }

    private static StreamRecord order(long seq, String user) {
        return rec(seq, event("order_placed").user(user).with("orderId", "o-" + seq).with("amount", "30.00"));
    }

    private static StreamRecord login(long seq, String user) {
        return rec(seq, event("login").user(user));
    }

    private static Timer timer(String user, String page, long enteredSec, long durationSec) {
        return new Timer(user, page, T0.plusSeconds(enteredSec), T0.plusSeconds(enteredSec + durationSec));
    }

    private static List<Timer> sorted(List<Timer> timers) {
        return timers.stream().sorted(Comparator.comparing(Timer::userId).thenComparing(Timer::page)).toList();
    }

    private UserState user(String id) {
        StoredState stored = store.all().get(SubjectKey.user(id));
        assertNotNull(stored, "no state for " + id);
        return StateCodec.fromBytes(stored.body(), UserState.class);
    }

    // --- scenarios and journeys started by registration (C3, C5) ---------------------------------

    private static StreamRecord register(long seq, String user) {
        return rec(seq, event("register").user(user));
    }

    @Test
    void registeringArmsTheScenarioAndEachJourneysFirstStepAndRecordsTheStart() {
        run(register(1, "u1"));

        Instant registered = T0.plusSeconds(1);
        assertEquals(List.of(
                        new Timer("u1", "journey:onboarding:day1", registered, registered.plus(Duration.parse("P1DT1H"))),
                        new Timer("u1", "scenario:new_no_order", registered, registered.plus(Duration.ofMinutes(30)))),
                sorted(scheduler.all()));
        assertEquals(java.util.Map.of("onboarding",
                        dev.winback.core.state.JourneyProgress.startedAt(registered, "day1", Duration.parse("P1DT1H"))),
                user("u1").journeys, "the start is in the state saved with the batch");
    }

    @Test
    void aSecondRegistrationDoesNotStartTheJourneyAgain() {
        run(register(1, "u1"));
        scheduler.calls.clear();

        run(register(2, "u1")); // later: registeredAt stays, nothing to arm
        assertEquals(List.of(), scheduler.all());

        // A late event with an earlier registration moves registeredAt: the scenario re-arms from it,
        // the running journey stays as it is.
        run(event("register").user("u1").id("ev-3").at(T0.minusSeconds(60)).record("3"));
        assertEquals(List.of("scenario:new_no_order"), scheduler.all().stream().map(Timer::page).toList());
        assertEquals(T0.plusSeconds(1), user("u1").journeys.get("onboarding").startedAt());
    }

    // --- which timers ----------------------------------------------------------------------------

    @Test
    void eachWatchedPageEnteredArmsATimerWithItsDuration() {
        IngestReport report = run(rec(1, event("app_open").user("u1")), enter(2, "u1", "order"), enter(3, "u1", "home"),
                enter(4, "u1", "merchant"), enter(5, "u1", "product"));
        assertFalse(report.hasFailures());
        assertEquals(1, scheduler.calls.size());
        assertEquals(List.of(timer("u1", "home", 3, 60), timer("u1", "merchant", 4, 90), timer("u1", "order", 2, 45),
                timer("u1", "product", 5, 90)), sorted(scheduler.calls.get(0)));
        assertEquals(List.of(NOW), scheduler.nows, "delays are computed from the ingest clock");
    }

    @Test
    void orderAndHomeGiveTwoTimers() {
        run(enter(1, "u1", "order"), enter(2, "u1", "home"));
        assertEquals(List.of(timer("u1", "home", 2, 60), timer("u1", "order", 1, 45)), sorted(scheduler.all()));
    }

    @Test
    void anUnwatchedPageArmsNothing() {
        run(enter(1, "u1", "coupon"), rec(2, event("click").user("u1").with("target", "banner")));
        assertTrue(scheduler.calls.isEmpty());
        assertNotNull(user("u1"));
    }

    @Test
    void reEnteringInOneBatchArmsOnlyTheLastEntry() {
        run(enter(1, "u1", "order"), enter(2, "u1", "coupon"), enter(5, "u1", "order"));
        assertEquals(List.of(timer("u1", "order", 5, 45)), scheduler.all());
    }

    @Test
    void anOrderAfterTheEntryArmsNothing() {
        run(enter(1, "u1", "order"), enter(2, "u1", "home"), order(10, "u1"));
        assertTrue(scheduler.all().isEmpty(), scheduler.all().toString());
        assertTrue(user("u1").session.watchedEnteredAt.isEmpty());
    }

    @Test
    void anEntryAfterTheOrderInTheSameBatchIsArmed() {
        run(enter(1, "u1", "order"), order(10, "u1"), enter(20, "u1", "order"));
        assertEquals(List.of(timer("u1", "order", 20, 45)), scheduler.all());
    }

    @Test
    void aRedeliveredBatchArmsNothingNew() {
        StreamRecord[] batch = {enter(1, "u1", "order"), enter(2, "u1", "home")};
        run(batch);
        assertEquals(1, scheduler.calls.size());
        IngestReport again = run(batch);
        assertEquals(2, again.duplicates());
        assertEquals(1, scheduler.calls.size(), "no schedule call for a redelivered batch");
    }

    @Test
    void aProducerRetryOfTheEntryArmsNothingNew() {
        run(enter(1, "u1", "order"));
        // the same event (same eventId) sent again, at a new sequence number
        run(event("page_enter").user("u1").with("page", "order").id("ev-1").at(T0.plusSeconds(1)).record("7"));
        assertEquals(1, scheduler.all().size());
    }

    @Test
    void aLaterBatchWithoutEntriesDoesNotRearm() {
        run(rec(1, event("app_open").user("u1")), enter(2, "u1", "order"));
        run(rec(3, event("cart_add").user("u1").with("itemId", "sku").with("price", "9.90").with("quantity", 1)),
                rec(4, event("click").user("u1").with("target", "x")));
        assertEquals(List.of(timer("u1", "order", 2, 45)), scheduler.all());
    }

    @Test
    void reEnteringInALaterBatchArmsANewTimer() {
        run(enter(1, "u1", "order"));
        run(enter(30, "u1", "order"));
        assertEquals(List.of(timer("u1", "order", 1, 45), timer("u1", "order", 30, 45)), scheduler.all());
    }

    @Test
    void aLearnedDurationIsUsed() {
        long t = 0;
        List<StreamRecord> history = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            history.add(rec(t + 1, event("app_open").user("u1")));
            history.add(enter(t + 2, "u1", "order"));
            history.add(order(t + 102, "u1")); // 100 s to order
            t += 3600;
        }
        run(history.toArray(StreamRecord[]::new));
        assertTrue(scheduler.all().isEmpty());
        run(rec(t + 1, event("app_open").user("u1")), enter(t + 2, "u1", "order"));
        assertEquals(List.of(timer("u1", "order", t + 2, 90)), scheduler.all()); // 100 s x 0.9
    }

    @Test
    void aServerSideEventDoesNotStartATimer() {
        run(rec(1, event("profile_updated").user("u1").with("phone", "+8613800001111")));
        assertTrue(scheduler.calls.isEmpty());
    }

    // --- how they are armed ----------------------------------------------------------------------

    @Test
    void oneScheduleCallPerBatchForEverySubject() {
        IngestReport report = run(enter(1, "u1", "order"), enter(2, "u2", "home"), enter(3, "u3", "merchant"),
                login(4, "u4"), enter(5, "u2", "order"),
                rec(6, event("delivery_pressure").with("zone", "z1").with("value", 0.3)));
        assertFalse(report.hasFailures());
        assertEquals(1, scheduler.calls.size());
        assertEquals(List.of(timer("u1", "order", 1, 45), timer("u2", "home", 2, 60), timer("u2", "order", 5, 45),
                timer("u3", "merchant", 3, 90)), sorted(scheduler.calls.get(0)));
    }

    @Test
    void oneScheduleCallPerBatchWhenWritingInParallel() {
        List<StreamRecord> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(enter(i + 1, "u" + i, i % 2 == 0 ? "order" : "product"));
        }
        IngestReport report = run(8, batch.toArray(StreamRecord[]::new));
        assertFalse(report.hasFailures());
        assertEquals(40, report.writes());
        assertEquals(1, scheduler.calls.size());
        assertEquals(40, scheduler.calls.get(0).size());
    }

    @Test
    void timersAreArmedBeforeTheStateIsSaved() {
        run(enter(1, "u1", "order"));
        assertEquals(List.of(Set.of()), scheduler.storedKeysAtCall);
        assertNotNull(user("u1"));
    }

    @Test
    void whenTimersCannotBeArmedTheirSubjectsFailAndAreNotSaved() {
        scheduler.down = true;
        IngestReport report = run(enter(1, "u1", "order"), login(2, "u2"), enter(3, "u3", "home"),
                rec(4, event("page_enter").user("u1").with("page", "coupon")), login(5, "u4"));
        assertEquals(List.of("1", "3", "4"), report.failedSequenceNumbers());
        Set<String> stored = store.all().keySet().stream().collect(Collectors.toSet());
        assertEquals(Set.of(SubjectKey.user("u2"), SubjectKey.user("u4")), stored, "subjects without timers are saved");
        assertTrue(scheduler.calls.isEmpty());

        // the stream delivers the failed records again; now the scheduler works
        scheduler.down = false;
        IngestReport retry = run(enter(1, "u1", "order"), login(2, "u2"), enter(3, "u3", "home"),
                rec(4, event("page_enter").user("u1").with("page", "coupon")), login(5, "u4"));
        assertFalse(retry.hasFailures(), retry.toString());
        assertEquals(2, retry.duplicates());
        assertEquals(List.of(timer("u1", "order", 1, 45), timer("u3", "home", 3, 60)), sorted(scheduler.all()));
        assertEquals(2, user("u1").session.pagesViewed);
    }

    @Test
    void whenTimersCannotBeArmedInParallelTheSameHolds() {
        scheduler.down = true;
        IngestReport report = run(4, enter(1, "u1", "order"), login(2, "u2"), enter(3, "u3", "home"), login(4, "u4"));
        assertEquals(List.of("1", "3"), report.failedSequenceNumbers());
        assertEquals(Set.of(SubjectKey.user("u2"), SubjectKey.user("u4")), store.all().keySet());
    }

    @Test
    void theFiveArgumentConstructorArmsNothingAndSavesState() {
        IngestReport report = new StreamIngest(POLICY, store, quarantine, Clock.fixed(NOW, ZoneOffset.UTC), 1)
                .ingest(List.of(enter(1, "u1", "order")));
        assertFalse(report.hasFailures());
        assertEquals(T0.plusSeconds(1), user("u1").session.watchedEnteredAt.get("order"));
    }

    @Test
    void timerDueTimesFollowTheEntryNotTheIngestClock() {
        run(enter(1, "u1", "order"));
        Timer t = scheduler.all().get(0);
        assertEquals(Duration.ofSeconds(45), Duration.between(t.enteredAt(), t.dueAt()));
        assertEquals(T0.plusSeconds(1), t.enteredAt());
    }
}
