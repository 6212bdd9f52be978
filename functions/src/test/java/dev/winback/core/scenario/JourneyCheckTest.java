package dev.winback.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.InMemoryRewardStats;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.state.JourneyProgress;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** C5: fired steps of the shipped {@code onboarding} journey (day 1, day 3, day 7) and variants of it. */
class JourneyCheckTest {

    /** 10:00 in Asia/Shanghai; day 1 is due 25 h later, 11:00 the next day. */
    private static final Instant REGISTERED = Instant.parse("2026-11-22T02:00:00Z");
    private static final String PHONE = "+8613800001111";
    private static final Duration DAY1 = Duration.parse("P1DT1H");
    private static final Duration DAY3 = Duration.parse("P3DT1H");
    private static final Duration DAY7 = Duration.parse("P7DT1H");

    private final Policy policy = Policies.withoutHoldout(Policies.DEFAULTS);
    private final Journey onboarding = Journey.allOf(policy).get("onboarding");
    private Map<String, Journey> journeys = Map.of("onboarding", onboarding);

    private final FlakyStore states = new FlakyStore();
    private final RecordingChannels log = new RecordingChannels(() -> REGISTERED);
    private final InMemoryRewardStats stats = new InMemoryRewardStats();
    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private final List<Timer> armed = new ArrayList<>();
    private final List<String> wallet = new ArrayList<>();
    private final ScenarioCheckTest.FakeNotifier notifier = new ScenarioCheckTest.FakeNotifier();
    private final Set<String> suppressed = new HashSet<>();

    /** The in-memory store, with a save that can fail or lose a race to a concurrent writer once. */
    static final class FlakyStore implements StateStore {
        final InMemoryStateStore store = new InMemoryStateStore();
        boolean unavailableOnce;
        /** Before the next save, someone else (ingest) writes the user's zone. */
        boolean concurrentWriteOnce;

        @Override
        public Map<String, StoredState> load(Collection<String> keys) {
            return store.load(keys);
        }

        @Override
        public SaveOutcome save(StoredState next, long expectedVersion) {
            if (unavailableOnce) {
                unavailableOnce = false;
                return SaveOutcome.UNAVAILABLE;
            }
            if (concurrentWriteOnce) {
                concurrentWriteOnce = false;
                StoredState held = store.load(List.of(next.key())).get(next.key());
                UserState user = StateCodec.fromBytes(held.body(), UserState.class);
                user.profile.put("zone", "zone-sh-01");
                store.save(new StoredState(held.key(), held.version() + 1, held.highWater(), StateCodec.toBytes(user),
                        held.tags(), held.cohort()), held.version());
            }
            return store.save(next, expectedVersion);
        }
    }

    private JourneyCheck check() {
        CouponPublisher walletTopic = (couponId, decisionId, userId, amount, kind, at) -> wallet.add(couponId + ":" + kind);
        ScenarioCheck.Ports ports = new ScenarioCheck.Ports(states, log, (timers, now) -> armed.addAll(timers), stats,
                stats, log, ledgers, ledgers, ledgers, notifier, walletTopic, suppressed::contains);
        return new JourneyCheck(policy, journeys, SegmentMembership.of(policy), ports);
    }

    private static UserBuilder registered(String userId, Instant at) {
        return UserBuilder.of(userId, Policies.DEFAULTS, at).then("register").after(Duration.ofSeconds(5))
                .profile("phone", PHONE);
    }

    /** Stores the user as ingest would after the registration: enrolled in every journey of the check. */
    private UserState enrol(UserBuilder builder) {
        UserState user = builder.state();
        JourneyTimers.onRegistration(List.of(onboarding), user);
        states.store.save(new StoredState(SubjectKey.user(user.userId), 1, "0", StateCodec.toBytes(user), user.tags), 0);
        return user;
    }

    private UserState stored(String userId) {
        return StateCodec.fromBytes(states.load(List.of(SubjectKey.user(userId))).get(SubjectKey.user(userId)).body(),
                UserState.class);
    }

    private JourneyProgress progress(String userId) {
        return stored(userId).journeys.get("onboarding");
    }

    private static Timer step(String userId, String step, Instant startedAt, Duration wait) {
        return new Timer(userId, "journey:onboarding:" + step, startedAt, startedAt.plus(wait));
    }

    private Optional<Decision> fire(Timer timer) {
        return check().check(timer, timer.dueAt().plusSeconds(1));
    }

    private Decision decide(Timer timer) {
        return fire(timer).orElseThrow(() -> new AssertionError("no decision for " + timer.page()));
    }

    private static Journey withoutStep(Journey j, String name) {
        return new Journey(j.name(), j.after(), j.exitWhen(), j.holdout(),
                j.steps().stream().filter(s -> !s.name().equals(name)).toList());
    }

    private static Journey withExits(Journey j, List<String> exitWhen) {
        return new Journey(j.name(), j.after(), exitWhen, j.holdout(), j.steps());
    }

    private static Journey withHoldout(Journey j, double holdout) {
        return new Journey(j.name(), j.after(), j.exitWhen(), holdout, j.steps());
    }

    private static Journey withDay3Rewards(Journey j, List<ScenarioReward> rewards) {
        List<Journey.Step> steps = new ArrayList<>();
        for (Journey.Step s : j.steps()) {
            steps.add(s.name().equals("day3") ? new Journey.Step(s.name(), s.sinceStart(), s.channels(), rewards,
                    s.messages(), s.explorationFloor()) : s);
        }
        return new Journey(j.name(), j.after(), j.exitWhen(), j.holdout(), steps);
    }

    // --- the steps, in order ------------------------------------------------------------------------

    @Test
    void dayOneSendsItsMessageAndArmsDayThree() {
        enrol(registered("u1", REGISTERED));
        Timer day1 = step("u1", "day1", REGISTERED, DAY1);
        Decision d = decide(day1);

        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals("journey:onboarding:day1", d.trigger());
        assertEquals(day1.id(), d.decisionId());
        assertEquals(REGISTERED.plus(DAY1), d.at());
        assertEquals(List.of("onboarding"), d.reasons());
        assertEquals(List.of("inbox"), d.channels(), "day 1 goes by push or inbox; no push endpoint");
        assertNull(d.coupon(), "a step without rewards grants nothing");
        assertEquals("onboarding", d.details().get("journey"));
        assertEquals("day1", d.details().get("step"));
        assertEquals(REGISTERED.toString(), d.details().get("startedAt"));
        assertEquals(onboarding.label(onboarding.first()), d.details().get("strategy"));
        assertFalse(d.details().containsKey("reward"));
        assertEquals("欢迎加入！附近好店都在这里，挑一家试试吧。", notifier.sent.get(0).text());
        assertTrue(wallet.isEmpty());
        assertEquals(Map.of(), stats.counts("journey:onboarding:day1"), "no reward, nothing for the bandit");

        assertEquals(List.of(step("u1", "day3", REGISTERED, DAY3)), armed, "day 3 counts from the start");
        assertEquals(JourneyProgress.startedAt(REGISTERED, "day3", DAY3), progress("u1"));
    }

    @Test
    void theStepsFollowInOrderAndTheJourneyCompletesAfterTheLast() {
        enrol(registered("u1", REGISTERED).profile("locale", "en"));
        List<String> triggers = new ArrayList<>();
        Timer next = step("u1", "day1", REGISTERED, DAY1);
        while (next != null) {
            armed.clear();
            Decision d = decide(next);
            assertEquals(Outcome.SENT, d.outcome(), d.toString());
            triggers.add(d.trigger());
            next = armed.isEmpty() ? null : armed.get(0);
        }
        assertEquals(List.of("journey:onboarding:day1", "journey:onboarding:day3", "journey:onboarding:day7"), triggers);
        assertEquals(3, notifier.sent.size());
        assertTrue(notifier.sent.get(2).text().startsWith("Your welcome offers"), notifier.sent.get(2).text());
        JourneyProgress done = progress("u1");
        assertFalse(done.running());
        assertEquals(JourneyProgress.COMPLETED, done.end());
        assertNull(done.step());
        assertEquals(REGISTERED, done.startedAt());
    }

    @Test
    void aStepWithRewardsGrantsTheBanditsChoiceAndTeachesItUnderTheStep() {
        journeys = Map.of("onboarding", withDay3Rewards(onboarding,
                List.of(ScenarioReward.of("coupon", new BigDecimal("8.00")))));
        enrol(registered("u1", REGISTERED));
        decide(step("u1", "day1", REGISTERED, DAY1));
        Decision d = decide(step("u1", "day3", REGISTERED, DAY3));

        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals(List.of("sms"), d.channels(), "day 3 may use SMS");
        assertEquals(new Decision.Reward(new BigDecimal("8.00"), "coupon"), d.coupon());
        assertEquals("coupon:8.00", ((Map<?, ?>) d.details().get("reward")).get("id"));
        assertNotNull(d.details().get("posterior"));
        assertEquals(List.of("cp-" + d.decisionId() + ":coupon"), wallet);
        assertTrue(notifier.sent.get(1).text().contains("8.00元新人券"), notifier.sent.get(1).text());
        assertEquals(Map.of("coupon:8.00", new RewardStats.Counts(1, 0)), stats.counts("journey:onboarding:day3"));

        assertTrue(ScenarioConversions.record(d, ledgers, stats), "an attributed order counts for the step's reward");
        assertFalse(ScenarioConversions.record(d, ledgers, stats));
        assertEquals(new RewardStats.Counts(1, 1), stats.counts("journey:onboarding:day3").get("coupon:8.00"));
    }

    // --- redelivery, staleness, concurrency ---------------------------------------------------------

    @Test
    void aRepeatedStepIsASilentNoOp() {
        enrol(registered("u1", REGISTERED));
        Timer day1 = step("u1", "day1", REGISTERED, DAY1);
        decide(day1);
        assertEquals(Optional.empty(), fire(day1), "the journey has moved past day 1");
        assertEquals(Optional.empty(), check().check(day1, day1.dueAt().plus(Duration.ofHours(2))));
        assertEquals(1, notifier.sent.size());
        assertEquals(1, log.decisions().size());
        assertEquals(1, armed.size());
    }

    @Test
    void staleTimersDecideNothing() {
        enrol(registered("u1", REGISTERED));
        assertEquals(Optional.empty(), fire(step("u1", "day3", REGISTERED, DAY3)), "day 3 is not pending yet");
        assertEquals(Optional.empty(), fire(step("u1", "day1", REGISTERED.plusSeconds(1), DAY1)), "another start");
        assertEquals(Optional.empty(), fire(step("nobody", "day1", REGISTERED, DAY1)), "no such user");
        UserState notEnrolled = registered("u2", REGISTERED).state();
        states.store.save(new StoredState(SubjectKey.user("u2"), 1, "0", StateCodec.toBytes(notEnrolled),
                notEnrolled.tags), 0);
        assertEquals(Optional.empty(), fire(step("u2", "day1", REGISTERED, DAY1)), "never in the journey");
        assertTrue(log.decisions().isEmpty());
        assertTrue(notifier.sent.isEmpty());
        assertTrue(armed.isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> check().check(new Timer("u1", "journey:onboarding", REGISTERED, REGISTERED), REGISTERED));
    }

    @Test
    void aRetryAfterTheStateCouldNotBeSavedResumesWithoutASecondMessage() {
        enrol(registered("u1", REGISTERED));
        Timer day1 = step("u1", "day1", REGISTERED, DAY1);
        states.unavailableOnce = true;
        assertThrows(Recaller.RetryLaterException.class, () -> fire(day1));
        assertEquals(1, notifier.sent.size(), "the message went before the save failed");
        assertEquals(JourneyProgress.startedAt(REGISTERED, "day1", DAY1), progress("u1"), "not moved on yet");

        Decision d = decide(day1);
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(1, notifier.sent.size(), "the retry finds its decision");
        assertEquals(1, log.decisions().size());
        assertEquals(JourneyProgress.startedAt(REGISTERED, "day3", DAY3), progress("u1"));
        assertEquals(List.of(step("u1", "day3", REGISTERED, DAY3), step("u1", "day3", REGISTERED, DAY3)), armed,
                "armed again by the retry: the same timer, one schedule");
    }

    @Test
    void aConcurrentWriteMakesTheCheckStartOverAndKeepsBothChanges() {
        enrol(registered("u1", REGISTERED));
        states.concurrentWriteOnce = true;
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(1, notifier.sent.size());
        UserState after = stored("u1");
        assertEquals("zone-sh-01", after.profileText("zone"), "ingest's write is kept");
        assertEquals("day3", after.journeys.get("onboarding").step());
    }

    // --- exits ---------------------------------------------------------------------------------------

    @Test
    void anOrderSinceTheStartEndsTheJourney() {
        enrol(registered("u1", REGISTERED).after(Duration.ofHours(3)).order("30.00"));
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(Outcome.NOT_NEEDED, d.outcome());
        assertEquals(List.of("exited"), d.reasons());
        assertEquals("ordered", d.details().get("exit"));
        assertTrue(notifier.sent.isEmpty());
        assertTrue(armed.isEmpty(), "no next step");
        JourneyProgress ended = progress("u1");
        assertEquals("exited:ordered", ended.end());
        assertFalse(ended.running());
        assertEquals(List.of(d), log.decisions());
    }

    @Test
    void withdrawingAllMarketingEndsTheJourney() {
        enrol(registered("u1", REGISTERED).consent("marketing", false));
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(List.of("exited"), d.reasons());
        assertEquals("opted_out", d.details().get("exit"));
        assertEquals("exited:opted_out", progress("u1").end());
    }

    @Test
    void optingOutOfOneChannelIsNoExitButTheFilterStillHonoursIt() {
        enrol(UserBuilder.of("u1", Policies.DEFAULTS, REGISTERED).then("register").consent("inbox", false));
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("onboarding", "opted_out"), d.reasons());
        assertEquals("day3", progress("u1").step(), "the journey goes on");
    }

    @Test
    void segmentConditionsEndTheJourneyWhenTheUserEntersOrLeavesASegment() {
        journeys = Map.of("onboarding", withExits(onboarding, List.of("in_segment:high_value")));
        enrol(registered("big", REGISTERED).after(Duration.ofHours(1)).order("600.00"));
        enrol(registered("small", REGISTERED).after(Duration.ofHours(1)).order("20.00"));
        assertEquals("in_segment:high_value", decide(step("big", "day1", REGISTERED, DAY1)).details().get("exit"));
        assertEquals(Outcome.SENT, decide(step("small", "day1", REGISTERED, DAY1)).outcome(),
                "an order is no exit unless the journey says so");

        journeys = Map.of("onboarding", withExits(onboarding, List.of("not_in_segment:new_no_order")));
        enrol(registered("buyer", REGISTERED).after(Duration.ofHours(1)).order("20.00"));
        enrol(registered("browser", REGISTERED));
        assertEquals("not_in_segment:new_no_order", decide(step("buyer", "day1", REGISTERED, DAY1)).details().get("exit"));
        assertEquals(Outcome.SENT, decide(step("browser", "day1", REGISTERED, DAY1)).outcome());
    }

    @Test
    void exitConditionsAreCheckedInPolicyOrder() {
        journeys = Map.of("onboarding", withExits(onboarding, List.of("opted_out", "ordered")));
        enrol(registered("u1", REGISTERED).consent("all", false).after(Duration.ofHours(1)).order("20.00"));
        assertEquals("opted_out", decide(step("u1", "day1", REGISTERED, DAY1)).details().get("exit"));
    }

    // --- policy changes ----------------------------------------------------------------------------

    @Test
    void aRemovedStepIsSkippedAndTheJourneyGoesOnWithTheNextLaterOne() {
        enrol(registered("u1", REGISTERED));
        decide(step("u1", "day1", REGISTERED, DAY1)); // day 3 pending
        journeys = Map.of("onboarding", withoutStep(onboarding, "day3"));
        armed.clear();

        assertEquals(Optional.empty(), fire(step("u1", "day3", REGISTERED, DAY3)), "no decision for a removed step");
        assertEquals(1, log.decisions().size());
        assertEquals(1, notifier.sent.size());
        assertEquals(List.of(step("u1", "day7", REGISTERED, DAY7)), armed);
        assertEquals(JourneyProgress.startedAt(REGISTERED, "day7", DAY7), progress("u1"));
    }

    @Test
    void removingTheLastPendingStepCompletesTheJourney() {
        enrol(registered("u1", REGISTERED));
        decide(step("u1", "day1", REGISTERED, DAY1));
        decide(step("u1", "day3", REGISTERED, DAY3)); // day 7 pending
        journeys = Map.of("onboarding", withoutStep(onboarding, "day7"));
        armed.clear();

        assertEquals(Optional.empty(), fire(step("u1", "day7", REGISTERED, DAY7)));
        assertTrue(armed.isEmpty());
        assertEquals(JourneyProgress.COMPLETED, progress("u1").end());
    }

    @Test
    void aRemovedJourneyEndsWithANotNeededDecision() {
        enrol(registered("u1", REGISTERED));
        journeys = Map.of();
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(Outcome.NOT_NEEDED, d.outcome());
        assertEquals(List.of("journey_removed"), d.reasons());
        assertEquals("journey:onboarding:day1", d.trigger());
        assertTrue(armed.isEmpty());
        assertTrue(notifier.sent.isEmpty());
        assertEquals(JourneyProgress.REMOVED, progress("u1").end());
        assertEquals(Optional.empty(), fire(step("u1", "day1", REGISTERED, DAY1)), "ended: a redelivery is stale");
    }

    // --- holdout and the final filter ----------------------------------------------------------------

    private static String drawn(boolean heldOut) {
        for (int i = 0; ; i++) {
            String userId = "h-" + i;
            if (Holdout.isHeldOut(userId, "journey:onboarding", 0.5) == heldOut) {
                return userId;
            }
        }
    }

    @Test
    void aHeldOutUserIsHeldBackAtEveryStepAndTheJourneyGoesOn() {
        journeys = Map.of("onboarding", withHoldout(onboarding, 0.5));
        String held = drawn(true);
        enrol(registered(held, REGISTERED));
        Decision day1 = decide(step(held, "day1", REGISTERED, DAY1));
        Decision day3 = decide(step(held, "day3", REGISTERED, DAY3));
        for (Decision d : List.of(day1, day3)) {
            assertEquals(Outcome.SUPPRESSED, d.outcome());
            assertEquals(List.of("onboarding", "holdout"), d.reasons());
            assertEquals(dev.winback.core.conversion.Touch.Group.HOLDOUT,
                    dev.winback.core.conversion.Touch.of(d).orElseThrow().group());
        }
        assertNotNull(day3.details().get("reward"), "the reward the control user would have had at day 3");
        assertTrue(notifier.sent.isEmpty());
        assertTrue(wallet.isEmpty());
        assertEquals(Map.of(), stats.counts("journey:onboarding:day3"), "a held-out user is no send");
        assertEquals("day7", progress(held).step());

        String treated = drawn(false);
        enrol(registered(treated, REGISTERED));
        assertEquals(Outcome.SENT, decide(step(treated, "day1", REGISTERED, DAY1)).outcome());
    }

    @Test
    void theSuppressionListHoldsEveryStepBackAndKeepsListedUsersOutOfTheControlGroup() {
        journeys = Map.of("onboarding", withHoldout(onboarding, 0.5));
        String listedAndDrawn = drawn(true);
        suppressed.add(listedAndDrawn);
        enrol(registered(listedAndDrawn, REGISTERED));
        Decision d = decide(step(listedAndDrawn, "day1", REGISTERED, DAY1));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("onboarding", "suppression_list"), d.reasons());
        assertTrue(dev.winback.core.conversion.Touch.of(d).isEmpty(), "neither treated nor control");
        assertTrue(notifier.sent.isEmpty());
        assertEquals("day3", progress(listedAndDrawn).step());
    }

    @Test
    void aStepDueInQuietHoursWaitsForTheirEndAndTheNextStepStillCountsFromTheStart() {
        Instant evening = Instant.parse("2026-11-22T13:30:00Z"); // 21:30 in Shanghai: day 1 due 22:30
        enrol(registered("u1", evening));
        Timer day1 = step("u1", "day1", evening, DAY1);
        assertEquals(Optional.empty(), fire(day1));
        assertTrue(log.decisions().isEmpty() && notifier.sent.isEmpty());
        assertEquals(1, armed.size());
        Timer deferred = armed.get(0);
        assertEquals(day1.id(), deferred.id(), "the same step, later");
        assertEquals(Instant.parse("2026-11-24T00:00:00Z"), deferred.dueAt(), "08:00 the next morning");
        assertEquals("day1", progress("u1").step(), "nothing moves while it waits");

        armed.clear();
        Decision d = decide(deferred);
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(deferred.dueAt(), d.at());
        assertEquals(List.of(step("u1", "day3", evening, DAY3)), armed);
    }

    @Test
    void frequencyCapsCountEveryTrigger() {
        enrol(registered("u1", REGISTERED));
        assertTrue(ledgers.reserve("u1", "a-scenario-message", REGISTERED.plus(DAY1).minusSeconds(3600), 1, 3));
        Decision d = decide(step("u1", "day1", REGISTERED, DAY1));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("onboarding", "frequency_cap"), d.reasons());
        assertEquals("day3", progress("u1").step());
    }

    @Test
    void theShippedStepsClearTheCapsAfterTheThirtyMinuteScenario() {
        enrol(registered("u1", REGISTERED));
        assertTrue(ledgers.reserve("u1", "new_no_order", REGISTERED.plus(Duration.ofMinutes(30)), 1, 3));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Timer next = step("u1", "day1", REGISTERED, DAY1);
        while (next != null) {
            armed.clear();
            Decision d = decide(next);
            outcomes.put(d.trigger(), d.outcome());
            next = armed.isEmpty() ? null : armed.get(0);
        }
        assertEquals(Map.of("journey:onboarding:day1", Outcome.SENT, "journey:onboarding:day3", Outcome.SENT,
                "journey:onboarding:day7", Outcome.SENT), outcomes);
    }
}
