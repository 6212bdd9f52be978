package dev.winback.core.conversion;

import static dev.winback.core.conversion.Touches.T0;
import static dev.winback.core.conversion.Touches.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.InMemoryRewardStats;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.scenario.RewardStats.Counts;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** C7 online and C4 feedback: an order at a time, attributed, recorded once, counted once for its reward. */
class ConversionTrackingTest {

    private static final Duration DAY = Duration.ofHours(24);

    private final RecordingChannels decisions = new RecordingChannels(() -> T0);
    private final InMemoryRecallLedgers sends = new InMemoryRecallLedgers();
    private final InMemoryRewardStats rewards = new InMemoryRewardStats();
    private final Map<String, Conversion> kept = new LinkedHashMap<>();
    private final ConversionLog log = c -> kept.putIfAbsent(c.order().userId() + "/" + c.order().orderId(), c) == null;
    private final ConversionTracking tracking = new ConversionTracking(DAY, decisions, log, sends, rewards);

    /** A scenario decision as ScenarioCheck records it: the reward's id in details.reward. */
    private static Decision scenarioSent(String id, String user, Instant at, String reward) {
        return new Decision(id, user, "scenario:new_no_order", at, Decision.Outcome.SENT, List.of("new_no_order"),
                new Decision.Reward(new BigDecimal("5.00"), "coupon"), List.of("sms"),
                Touches.details("scenario", "new_no_order", "decidedAt", at.toString(), "strategy", "new_no_order@30m",
                        "reward", Map.of("id", reward, "kind", "coupon")));
    }

    private static Decision scenarioHeldOut(String id, String user, Instant at, String reward) {
        return new Decision(id, user, "scenario:new_no_order", at, Decision.Outcome.SUPPRESSED,
                List.of("new_no_order", "holdout"), null, List.of(),
                Touches.details("scenario", "new_no_order", "decidedAt", at.toString(), "reward", Map.of("id", reward)));
    }

    private static Order order(String id, String user, Instant at) {
        return new Order(user, id, at, new BigDecimal("64.00"), new BigDecimal("5.00"), "c-1", "m-17", "1 Example Road");
    }

    @Test
    void anOrderAfterAScenarioMessageIsRecordedAndCountsOneConversionForItsReward() {
        decisions.record(scenarioSent("sc-1", "u1", at(Duration.ofMinutes(30)), "coupon:5.00"));

        ConversionTracking.Tracked tracked = tracking.track(order("o-1", "u1", at(Duration.ofHours(2))));

        assertEquals(ConversionTracking.Outcome.RECORDED, tracked.outcome());
        assertTrue(tracked.rewardCounted());
        assertEquals("sc-1", tracked.conversion().touch().decisionId());
        assertEquals("new_no_order", tracked.conversion().touch().scenario());
        assertEquals("coupon:5.00", tracked.conversion().touch().reward());
        assertEquals(new BigDecimal("90.00"), tracked.conversion().minutesToOrder());
        assertNull(tracked.conversion().landingPage()); // no page entries online
        assertEquals(Map.of("coupon:5.00", new Counts(0, 1)), rewards.counts("new_no_order"));
        assertEquals(1, kept.size());
    }

    @Test
    void aRedeliveredOrderChangesNothing() {
        decisions.record(scenarioSent("sc-1", "u1", at(Duration.ofMinutes(30)), "coupon:5.00"));
        Order order = order("o-1", "u1", at(Duration.ofHours(2)));
        tracking.track(order);
        Conversion first = kept.values().iterator().next();

        ConversionTracking.Tracked again = tracking.track(order);

        assertEquals(ConversionTracking.Outcome.ALREADY_RECORDED, again.outcome());
        assertFalse(again.rewardCounted());
        assertEquals(List.of(first), List.copyOf(kept.values()));
        assertEquals(Map.of("coupon:5.00", new Counts(0, 1)), rewards.counts("new_no_order"));
    }

    @Test
    void aSecondOrderAfterTheSameMessageIsASecondConversionButTheMessageConvertsOnce() {
        decisions.record(scenarioSent("sc-1", "u1", at(Duration.ofMinutes(30)), "coupon:5.00"));

        tracking.track(order("o-1", "u1", at(Duration.ofHours(2))));
        ConversionTracking.Tracked second = tracking.track(order("o-2", "u1", at(Duration.ofHours(3))));

        assertEquals(ConversionTracking.Outcome.RECORDED, second.outcome());
        assertFalse(second.rewardCounted());
        assertEquals(2, kept.size());
        assertEquals(Map.of("coupon:5.00", new Counts(0, 1)), rewards.counts("new_no_order"));
    }

    @Test
    void aCountLostBetweenTheTwoWritesIsMadeByTheRedelivery() {
        Decision touch = scenarioSent("sc-1", "u1", at(Duration.ofMinutes(30)), "coupon:5.00");
        decisions.record(touch);
        Order order = order("o-1", "u1", at(Duration.ofHours(2)));
        // The first attempt recorded the conversion, then failed before the reward's count.
        log.record(Attribution.attribute(List.of(Touch.of(touch).orElseThrow()), List.of(order), List.of(), DAY)
                .conversions().get(0));

        ConversionTracking.Tracked retried = tracking.track(order);

        assertEquals(ConversionTracking.Outcome.ALREADY_RECORDED, retried.outcome());
        assertTrue(retried.rewardCounted());
        assertEquals(Map.of("coupon:5.00", new Counts(0, 1)), rewards.counts("new_no_order"));
    }

    @Test
    void anOrderOutsideTheWindowIsUnattributedAndRecordsNothing() {
        decisions.record(scenarioSent("sc-1", "u1", T0, "coupon:5.00"));

        ConversionTracking.Tracked tracked = tracking.track(order("o-1", "u1", T0.plus(DAY).plusMillis(1)));

        assertEquals(ConversionTracking.Outcome.UNATTRIBUTED, tracked.outcome());
        assertNull(tracked.conversion());
        assertTrue(kept.isEmpty());
        assertTrue(rewards.counts("new_no_order").isEmpty());
    }

    @Test
    void anOrderOfAHeldOutUserIsRecordedForUpliftButTeachesTheBanditNothing() {
        decisions.record(scenarioHeldOut("sc-h", "u1", at(Duration.ofMinutes(30)), "coupon:10.00"));

        ConversionTracking.Tracked tracked = tracking.track(order("o-1", "u1", at(Duration.ofHours(1))));

        assertEquals(ConversionTracking.Outcome.RECORDED, tracked.outcome());
        assertEquals(Touch.Group.HOLDOUT, tracked.conversion().touch().group());
        assertFalse(tracked.rewardCounted());
        assertTrue(rewards.counts("new_no_order").isEmpty());
    }

    @Test
    void aDeadlineRecallConvertsWithoutTouchingTheBandit() {
        decisions.record(Touches.sent("dl-1", "u1", "deadline", at(Duration.ofMinutes(1)), "push", "6.80"));
        decisions.record(Touches.sent("dl-other", "u2", "deadline", at(Duration.ofMinutes(2)), "push", null));

        ConversionTracking.Tracked tracked = tracking.track(order("o-1", "u1", at(Duration.ofMinutes(10))));

        assertEquals("dl-1", tracked.conversion().touch().decisionId());
        assertFalse(tracked.rewardCounted());
    }

    @Test
    void aReminderDeferredPastQuietHoursCountsFromWhenItWentOut() {
        // Decided for 02:00 (its cause), sent at 08:00 after the user's quiet hours; the order comes
        // 23 h after the send, 29 h after the cause: within the window of the touch.
        Instant cause = at(Duration.ofHours(2));
        Instant sentAt = at(Duration.ofHours(8));
        decisions.record(new Decision("dm-1", "u1", "dormant", cause, Decision.Outcome.SENT, List.of("dormant"), null,
                List.of("sms"), Touches.details("decidedAt", sentAt.toString())));

        ConversionTracking.Tracked tracked = tracking.track(order("o-1", "u1", sentAt.plus(Duration.ofHours(23))));

        assertEquals(ConversionTracking.Outcome.RECORDED, tracked.outcome());
        assertEquals(sentAt, tracked.conversion().touch().at());
    }

    @Test
    void theConsumerSkipsBadRecordsAndStopsAtTheFirstFailure() {
        decisions.record(scenarioSent("sc-1", "u1", at(Duration.ofMinutes(30)), "coupon:5.00"));
        String orderAt = at(Duration.ofHours(2)).toString();
        List<StreamRecord> records = List.of(
                EventJson.event("order_placed").id("e-1").user("u1").at(orderAt).with("orderId", "o-1")
                        .with("amount", "64.00").with("discount", "5.00").record("1"),
                EventJson.event("order_placed").id("e-2").user("u1").at(orderAt).with("orderId", "o-bad").record("2"),
                EventJson.event("login").id("e-3").user("u1").at(orderAt).record("3"),
                EventJson.event("order_placed").id("e-4").user("u2").at(orderAt).with("orderId", "o-2")
                        .with("amount", "10.00").record("4"));

        ConversionReport report = new ConversionConsumer(PolicyLoader.defaults(), tracking).consume(records);

        assertEquals(new ConversionReport(4, 2, 1, 1, 1, 0, 1, 1, null, null), report);

        ConversionTracking failing = new ConversionTracking(DAY, decisions, c -> {
            throw new IllegalStateException("ledger table unavailable");
        }, sends, rewards);
        ConversionReport failed = new ConversionConsumer(PolicyLoader.defaults(), failing).consume(records);

        assertEquals("1", failed.failedSequenceNumber());
        assertEquals(0, failed.orders());
        assertTrue(failed.failure().contains("ledger table unavailable"));
    }

    @Test
    void aNegativeWindowIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ConversionTracking(Duration.ofHours(-1), decisions, log, sends, rewards));
    }
}
