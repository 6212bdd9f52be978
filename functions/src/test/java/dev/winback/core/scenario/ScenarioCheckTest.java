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
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A fired {@code scenario:new_no_order} timer (C3, C4, C6). */
class ScenarioCheckTest {

    /** 10:00 in Asia/Shanghai: the timer is due 10:30, outside quiet hours. */
    private static final Instant REGISTERED = Instant.parse("2026-11-22T02:00:00Z");
    private static final String PHONE = "+8613800001111";
    private static final String ENDPOINT = "arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/app/abc";

    private Policy policy = Policies.DEFAULTS;
    private ScenarioStrategy strategy = withHoldout(ScenarioStrategy.allOf(Policies.DEFAULTS).get("new_no_order"), 0);

    private final InMemoryStateStore states = new InMemoryStateStore();
    private final RecordingChannels log = new RecordingChannels(() -> REGISTERED);
    private final InMemoryRewardStats stats = new InMemoryRewardStats();
    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private final List<Timer> rearmed = new ArrayList<>();
    private final List<String> wallet = Collections.synchronizedList(new ArrayList<>());
    private final FakeNotifier notifier = new FakeNotifier();
    private final Set<String> suppressed = new HashSet<>();

    /** Records messages; refuses the channels in {@link #refusing}. */
    static final class FakeNotifier implements Notifier {
        final Set<String> refusing = new HashSet<>();
        final List<Message> sent = new ArrayList<>();

        @Override
        public void send(Message message) {
            if (refusing.contains(message.channel())) {
                throw new DeliveryException(message.channel() + " refused", null);
            }
            sent.add(message);
        }
    }

    private ScenarioCheck check() {
        CouponPublisher walletTopic = (couponId, decisionId, userId, amount, kind, at) ->
                wallet.add(couponId + ":" + (amount == null ? "-" : amount.toPlainString()) + ":" + kind);
        ScenarioCheck.Ports ports = new ScenarioCheck.Ports(states, log, (timers, now) -> rearmed.addAll(timers), stats,
                stats, log, ledgers, ledgers, ledgers, notifier, walletTopic, suppressed::contains);
        return new ScenarioCheck(policy, Map.of(strategy.name(), strategy), SegmentMembership.of(policy), ports);
    }

    private static ScenarioStrategy withHoldout(ScenarioStrategy s, double holdout) {
        return new ScenarioStrategy(s.name(), s.segment(), s.after(), s.delay(), s.rewards(), s.channels(), s.messages(),
                s.explorationFloor(), holdout);
    }

    private static ScenarioStrategy withRewards(ScenarioStrategy s, List<ScenarioReward> rewards) {
        return new ScenarioStrategy(s.name(), s.segment(), s.after(), s.delay(), rewards, s.channels(), s.messages(),
                s.explorationFloor(), s.holdout());
    }

    private static ScenarioStrategy withChannels(ScenarioStrategy s, List<String> channels) {
        return new ScenarioStrategy(s.name(), s.segment(), s.after(), s.delay(), s.rewards(), channels, s.messages(),
                s.explorationFloor(), s.holdout());
    }

    /** A user who registered at {@code at} and gave a phone number (and whatever {@code more} adds). */
    private static UserBuilder registered(String userId, Instant at) {
        return UserBuilder.of(userId, Policies.DEFAULTS, at).then("register").after(Duration.ofSeconds(5))
                .profile("phone", PHONE);
    }

    private UserState store(UserBuilder builder) {
        UserState user = builder.state();
        states.save(new StoredState(SubjectKey.user(user.userId), 1, "0", StateCodec.toBytes(user), user.tags), 0);
        return user;
    }

    private Timer timerFor(UserState user) {
        return ScenarioTimers.afterRegister(strategy, user);
    }

    private Decision decide(UserState user) {
        Timer timer = timerFor(user);
        return check().check(timer, timer.dueAt().plusSeconds(1)).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private long sendsCounted() {
        return stats.counts("new_no_order").values().stream().mapToLong(RewardStats.Counts::sends).sum();
    }

    // --- eligible: the bandit's reward goes out --------------------------------------------------

    @Test
    void anEligibleUserGetsTheBanditsRewardOnTheFirstChannel() {
        UserState user = store(registered("u1", REGISTERED).profile("locale", "en-US"));
        Decision d = decide(user);

        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals("scenario:new_no_order", d.trigger());
        assertEquals(timerFor(user).id(), d.decisionId());
        assertEquals(REGISTERED.plus(Duration.ofMinutes(30)), d.at(), "stamped with the due time");
        assertEquals(List.of("new_no_order"), d.reasons());
        assertEquals(List.of("sms"), d.channels(), "no push endpoint: SMS");

        Map<String, Object> reward = map(d.details().get("reward"));
        ScenarioReward chosen = ScenarioReward.fromKey((String) reward.get("id"));
        assertTrue(strategy.rewards().contains(chosen), reward.toString());
        Map<String, Object> posterior = map(d.details().get("posterior"));
        assertEquals(3, ((List<?>) posterior.get("arms")).size());
        assertEquals("new_no_order", d.details().get("scenario"));
        assertEquals(strategy.label(), d.details().get("strategy"));
        assertEquals(REGISTERED.toString(), d.details().get("registeredAt"));

        if (chosen.amount() != null) {
            assertEquals(new Decision.Reward(chosen.amount(), "coupon"), d.coupon());
            assertEquals(List.of("cp-" + d.decisionId() + ":" + chosen.amount().toPlainString() + ":coupon"), wallet);
            assertEquals(chosen.amount(), ledgers.spent(java.time.LocalDate.parse("2026-11-22")));
        } else {
            assertNull(d.coupon(), "free delivery has no face value");
            assertEquals(List.of("rw-" + d.decisionId() + ":-:free_delivery"), wallet);
        }
        assertEquals(1, notifier.sent.size());
        Notifier.Message message = notifier.sent.get(0);
        assertEquals("sms", message.channel());
        assertEquals(PHONE, message.address());
        assertEquals(ScenarioMessages.render(strategy.messages(), "en-US", chosen), message.text());
        assertTrue(message.text().contains("first order"), message.text());
        assertEquals(Map.of(chosen.key(), new RewardStats.Counts(1, 0)), stats.counts("new_no_order"),
                "the send is counted for the chosen reward");
        assertEquals(List.of(d), log.decisions());
    }

    @Test
    void eachRewardCanBeChosenAndIsWordedForIt() {
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 60 && chosen.size() < 3; i++) {
            Decision d = decide(store(registered("user-" + i, REGISTERED)));
            String id = (String) map(d.details().get("reward")).get("id");
            chosen.add(id);
            String text = notifier.sent.get(notifier.sent.size() - 1).text();
            ScenarioReward reward = ScenarioReward.fromKey(id);
            assertEquals(ScenarioMessages.render(ScenarioStrategy.DEFAULT_MESSAGES, null, reward), text);
            if (reward.amount() != null) {
                assertTrue(text.contains(reward.amount().toPlainString() + "元"), text);
            }
        }
        assertEquals(Set.of("coupon:5.00", "coupon:10.00", "free_delivery"), chosen);
    }

    @Test
    void theChoiceIsReproducibleFromTheDecisionId() {
        UserState user = store(registered("u1", REGISTERED));
        Decision first = decide(user);

        ScenarioCheckTest elsewhere = new ScenarioCheckTest(); // a fresh world with the same (empty) counters
        Decision replay = elsewhere.decide(elsewhere.store(registered("u1", REGISTERED)));
        assertEquals(first.details().get("reward"), replay.details().get("reward"));
        assertEquals(first.details().get("posterior"), replay.details().get("posterior"));
    }

    @Test
    void aRedeliveredTimerRepeatsNothing() {
        UserState user = store(registered("u1", REGISTERED));
        Decision first = decide(user);
        Decision again = decide(user);
        assertEquals(first, again);
        assertEquals(1, notifier.sent.size());
        assertEquals(1, wallet.size());
        assertEquals(1, sendsCounted());
    }

    @Test
    void aRetryAfterAFailedSendKeepsThePinnedRewardAndCountsOnce() {
        UserState user = store(registered("u1", REGISTERED).profile("pushEndpoint", ENDPOINT));
        notifier.refusing.addAll(List.of("push", "sms", "inbox"));
        Timer timer = timerFor(user);
        assertThrows(Recaller.RetryLaterException.class, () -> check().check(timer, timer.dueAt()));
        assertEquals(0, sendsCounted(), "nothing went out: nothing counted");
        String pinned = (String) map(RewardBandit.choose(strategy.rewards(), Map.of(), strategy.explorationFloor(),
                RewardBandit.seededFrom(timer.id())).rewardDetails()).get("id");

        // Meanwhile the counters move so far that a fresh draw would surely pick another reward.
        for (ScenarioReward r : strategy.rewards()) {
            if (!r.key().equals(pinned)) {
                for (int i = 0; i < 2_000; i++) {
                    stats.recordSend("new_no_order", r.key());
                    stats.recordConversion("new_no_order", r.key());
                }
            }
        }
        notifier.refusing.clear();
        Decision d = check().check(timer, timer.dueAt().plusSeconds(60)).orElseThrow();
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(pinned, map(d.details().get("reward")).get("id"), "the first attempt's choice holds");
        assertEquals(1, wallet.size(), "the wallet was told once");
        assertEquals(1, notifier.sent.size());
        assertEquals(1, stats.counts("new_no_order").get(pinned).sends());
    }

    // --- not eligible, stale, removed -----------------------------------------------------------

    @Test
    void aUserWhoOrderedExited() {
        UserState user = store(registered("u1", REGISTERED).after(Duration.ofMinutes(10)).order("30.00"));
        Decision d = decide(user);
        assertEquals(Outcome.NOT_NEEDED, d.outcome());
        assertEquals(List.of("exited"), d.reasons());
        assertEquals("ordered", d.details().get("exit"));
        assertNull(d.details().get("reward"), "no reward chosen for someone who left");
        assertTrue(notifier.sent.isEmpty());
        assertEquals(0, sendsCounted());
        assertEquals(List.of(d), log.decisions(), "recorded");
    }

    @Test
    void aTimerForAnotherRegistrationTimeIsStale() {
        UserState user = store(registered("u1", REGISTERED));
        Timer stale = new Timer("u1", "scenario:new_no_order", REGISTERED.plusSeconds(1),
                REGISTERED.plus(Duration.ofMinutes(31)));
        assertEquals(Optional.empty(), check().check(stale, stale.dueAt()));
        assertEquals(Optional.empty(), check().check(new Timer("nobody", "scenario:new_no_order", REGISTERED,
                REGISTERED.plus(Duration.ofMinutes(30))), REGISTERED.plus(Duration.ofMinutes(30))));
        assertTrue(log.decisions().isEmpty());
        assertNotNull(user);
    }

    @Test
    void aScenarioRemovedFromThePolicyIsRecordedAsNotNeeded() {
        UserState user = store(registered("u1", REGISTERED));
        Timer timer = new Timer("u1", "scenario:retired", REGISTERED, REGISTERED.plus(Duration.ofMinutes(30)));
        Decision d = check().check(timer, timer.dueAt()).orElseThrow();
        assertEquals(Outcome.NOT_NEEDED, d.outcome());
        assertEquals(List.of("scenario_removed"), d.reasons());
        assertEquals("scenario:retired", d.trigger());
        assertNotNull(user);
    }

    // --- holdout and the final filter --------------------------------------------------------------

    @Test
    void theHoldoutGetsNothingButRecordsTheRewardItWouldHaveHad() {
        strategy = withHoldout(strategy, 0.5);
        String held = null;
        String treated = null;
        for (int i = 0; held == null || treated == null; i++) {
            String userId = "h-" + i;
            if (Holdout.isHeldOut(userId, "scenario:new_no_order", 0.5)) {
                held = held == null ? userId : held;
            } else {
                treated = treated == null ? userId : treated;
            }
        }
        Decision d = decide(store(registered(held, REGISTERED)));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("new_no_order", "holdout"), d.reasons());
        assertNull(d.coupon());
        assertEquals(List.of(), d.channels());
        assertNotNull(map(d.details().get("reward")).get("id"), "the would-be reward, for per-reward uplift");
        assertNotNull(d.details().get("posterior"));
        assertTrue(notifier.sent.isEmpty());
        assertTrue(wallet.isEmpty());
        assertTrue(ledgers.coupons().isEmpty());
        assertEquals(0, sendsCounted(), "a held-out user is no send");
        assertEquals(dev.winback.core.conversion.Touch.Group.HOLDOUT,
                dev.winback.core.conversion.Touch.of(d).orElseThrow().group());

        assertEquals(Outcome.SENT, decide(store(registered(treated, REGISTERED))).outcome());
    }

    @Test
    void aUserOnTheSuppressionListGetsNothingAndIsNoControlUser() {
        strategy = withHoldout(strategy, 0.5);
        String listed = null;
        for (int i = 0; listed == null; i++) {
            listed = Holdout.isHeldOut("s-" + i, "scenario:new_no_order", 0.5) ? "s-" + i : null;
        }
        suppressed.add(listed);
        Decision d = decide(store(registered(listed, REGISTERED)));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("new_no_order", "suppression_list"), d.reasons(), "checked before the holdout draw");
        assertTrue(dev.winback.core.conversion.Touch.of(d).isEmpty());
        assertTrue(notifier.sent.isEmpty());
        assertTrue(wallet.isEmpty());
        assertEquals(0, sendsCounted());
    }

    @Test
    void quietHoursDelayTheMessageToTheirEnd() {
        Instant lateEvening = Instant.parse("2026-11-22T13:50:00Z"); // 21:50 in Shanghai: due 22:20
        UserState user = store(registered("u1", lateEvening));
        Timer timer = timerFor(user);
        assertEquals(Optional.empty(), check().check(timer, timer.dueAt()));
        assertTrue(log.decisions().isEmpty() && notifier.sent.isEmpty());
        assertEquals(1, rearmed.size());
        Timer deferred = rearmed.get(0);
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), deferred.dueAt(), "08:00 the next morning");
        assertEquals(timer.id(), deferred.id(), "the same decision, later");
        assertEquals(timer.slot(), deferred.slot());

        Decision d = check().check(deferred, deferred.dueAt()).orElseThrow();
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(deferred.dueAt(), d.at());
    }

    @Test
    void theUsersOwnTimeZoneDecidesQuietHours() {
        Instant lateEvening = Instant.parse("2026-11-22T13:50:00Z"); // 14:50 in London
        UserState user = store(registered("u1", lateEvening).profile("timezone", "Europe/London"));
        assertEquals(Outcome.SENT, decide(user).outcome());
        assertTrue(rearmed.isEmpty());
    }

    @Test
    void optedOutOfEveryChannelIsSuppressed() {
        strategy = withChannels(strategy, List.of("push", "sms"));
        UserState user = store(registered("u1", REGISTERED).consent("sms", false));
        Decision d = decide(user);
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("new_no_order", "opted_out"), d.reasons());
        assertEquals(0, sendsCounted());
        assertTrue(ledgers.coupons().isEmpty());
    }

    @Test
    void theInAppInboxReachesUsersWithoutAnAddress() {
        UserState user = store(UserBuilder.of("u1", Policies.DEFAULTS, REGISTERED).then("register"));
        Decision d = decide(user);
        assertEquals(List.of("inbox"), d.channels());
        assertEquals("u1", notifier.sent.get(0).address());
    }

    @Test
    void withdrawingAllMarketingClosesTheInboxToo() {
        UserState user = store(registered("u1", REGISTERED).consent("marketing", false));
        assertEquals(List.of("new_no_order", "opted_out"), decide(user).reasons());
    }

    @Test
    void frequencyCapsCountEveryTrigger() {
        UserState user = store(registered("u1", REGISTERED));
        assertTrue(ledgers.reserve("u1", "an-earlier-recall", REGISTERED.plus(Duration.ofMinutes(5)), 1, 3));
        Decision d = decide(user);
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("new_no_order", "frequency_cap"), d.reasons());
        assertNotNull(d.details().get("reward"));
        assertEquals(0, sendsCounted());
    }

    @Test
    void aCouponPastTheBudgetIsSuppressedAndFreesTheContact() {
        policy = Policies.withDailyBudget(Policies.DEFAULTS, "3.00");
        strategy = withRewards(strategy, List.of(ScenarioReward.of("coupon", new BigDecimal("5.00"))));
        UserState user = store(registered("u1", REGISTERED));
        Decision d = decide(user);
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("new_no_order", "budget"), d.reasons());
        assertTrue(ledgers.reserve("u1", "another", REGISTERED.plus(Duration.ofMinutes(31)), 1, 3),
                "the reservation was given back");
        assertTrue(wallet.isEmpty());
        assertEquals(0, sendsCounted());
    }

    @Test
    void rewardsWithoutAmountNeedNoBudget() {
        policy = Policies.withDailyBudget(Policies.DEFAULTS, "0.01");
        strategy = withRewards(strategy, List.of(ScenarioReward.of("free_delivery", null)));
        Decision d = decide(store(registered("u1", REGISTERED)));
        assertEquals(Outcome.SENT, d.outcome());
        assertNull(d.coupon());
        assertEquals("free_delivery", map(d.details().get("reward")).get("id"));
        assertEquals("rw-" + d.decisionId(), d.details().get("rewardId"));
        assertEquals("新人专享：首单免配送费，快去挑选吧！", notifier.sent.get(0).text());
    }

    // --- feedback --------------------------------------------------------------------------------

    @Test
    void anAttributedOrderCountsOneConversionPerDecision() {
        Decision d = decide(store(registered("u1", REGISTERED)));
        String reward = (String) map(d.details().get("reward")).get("id");
        assertTrue(ScenarioConversions.record(d, ledgers, stats));
        assertFalse(ScenarioConversions.record(d, ledgers, stats), "a second order or a redelivery counts nothing");
        assertEquals(new RewardStats.Counts(1, 1), stats.counts("new_no_order").get(reward));
    }

    @Test
    void holdoutAndOtherTriggersTeachTheBanditNothing() {
        Decision held = new Decision("d1", "u1", "scenario:new_no_order", REGISTERED, Outcome.SUPPRESSED,
                List.of("new_no_order", "holdout"), null, List.of(), Map.of("reward", Map.of("id", "coupon:5.00")));
        Decision recall = new Decision("d2", "u1", "deadline", REGISTERED, Outcome.SENT, List.of(), null,
                List.of("sms"), Map.of());
        assertFalse(ScenarioConversions.record(held, ledgers, stats));
        assertFalse(ScenarioConversions.record(recall, ledgers, stats));
        assertEquals(Map.of(), stats.counts("new_no_order"));
    }

    @Test
    void theBanditLearnsFromTheCounters() {
        for (int i = 0; i < 3_000; i++) {
            stats.recordSend("new_no_order", "free_delivery");
            if (i % 3 == 0) {
                stats.recordConversion("new_no_order", "free_delivery");
            }
            stats.recordSend("new_no_order", "coupon:5.00");
            stats.recordSend("new_no_order", "coupon:10.00");
            if (i % 50 == 0) {
                stats.recordConversion("new_no_order", "coupon:5.00");
                stats.recordConversion("new_no_order", "coupon:10.00");
            }
        }
        int free = 0;
        for (int i = 0; i < 200; i++) {
            Decision d = decide(store(registered("l-" + i, REGISTERED)));
            free += "free_delivery".equals(map(d.details().get("reward")).get("id")) ? 1 : 0;
        }
        assertTrue(free > 170, "a 33 % reward against 2 % ones wins all but the floor's share: " + free);
    }
}
