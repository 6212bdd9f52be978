package dev.winback.core.recall;

import static dev.winback.testing.EventJson.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.testing.EventJson;
import dev.winback.testing.Policies;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A fired deadline timer, end to end over state that StreamIngest wrote (A3–A9). */
class DeadlineCheckTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final String PHONE = "+8613800001111";

    private final InMemoryStateStore store = new InMemoryStateStore();
    private final List<Timer> armed = new ArrayList<>();
    private final StreamIngest ingest = new StreamIngest(POLICY, store, new CollectingQuarantine(),
            Clock.fixed(T0.plusSeconds(300), ZoneOffset.UTC), 1, (timers, now) -> armed.addAll(timers));
    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private final RecordingChannels channels = new RecordingChannels(() -> T0);
    private final DeadlineCheck check = new DeadlineCheck(POLICY, store,
            new Recaller(POLICY, channels, ledgers, ledgers, ledgers, channels, channels), channels);
    private long seq;

    // --- helpers ---------------------------------------------------------------------------------

    private StreamRecord rec(EventJson e, Instant at) {
        seq++;
        return e.id("ev-" + seq).at(at).record(Long.toString(seq));
    }

    private StreamRecord user(String type, Instant at) {
        return rec(event(type).user("u1"), at);
    }

    private StreamRecord userWith(EventJson e, Instant at) {
        return rec(e.user("u1"), at);
    }

    private void ingest(StreamRecord... records) {
        IngestReport report = ingest.ingest(List.of(records));
        assertFalse(report.hasFailures(), report.toString());
        assertEquals(0, report.quarantined(), report.toString());
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** u1 (phone, SMS consent, zone z1) opens the app, puts 68.00 from m1 in the cart and enters the order page at T0. */
    private void stall() {
        stallAt(0);
    }

    /** {@link #stall()} with the order page entered {@code base} seconds after T0. */
    private void stallAt(long base) {
        ingest(userWith(event("profile_updated").with("phone", PHONE).with("zone", "z1"), at(base - 60)),
                userWith(event("consent_updated").with("channel", "sms").with("optedIn", true), at(base - 60)),
                user("app_open", at(base - 30)),
                userWith(event("cart_add").with("itemId", "sku-1").with("price", "68.00").with("quantity", 1)
                        .with("merchantId", "m1"), at(base - 20)),
                pageEnter("order", base));
    }

    private StreamRecord pageEnter(String page, long seconds) {
        return userWith(event("page_enter").with("page", page), at(seconds));
    }

    private StreamRecord order(long seconds) {
        return userWith(event("order_placed").with("orderId", "o-" + seconds).with("amount", "68.00"), at(seconds));
    }

    private Timer lastArmed(String page) {
        for (int i = armed.size() - 1; i >= 0; i--) {
            if (armed.get(i).page().equals(page)) {
                return armed.get(i);
            }
        }
        throw new AssertionError("no timer armed for " + page + ": " + armed);
    }

    private Decision fire(Timer timer) {
        Optional<Decision> decision = check.check(timer, timer.dueAt().plusMillis(200));
        assertTrue(decision.isPresent(), "expected a decision for " + timer);
        return decision.get();
    }

    private void assertNoEffects() {
        assertTrue(channels.sent().isEmpty(), channels.sent().toString());
        assertTrue(ledgers.coupons().isEmpty(), ledgers.coupons().toString());
    }

    // --- the stalled cart ------------------------------------------------------------------------

    @Test
    void aStalledCartIsRecalledWithACouponBySms() {
        stall();
        Timer timer = lastArmed("order");
        assertEquals(at(45), timer.dueAt());

        Decision d = fire(timer);
        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals(timer.id(), d.decisionId());
        assertEquals("u1", d.userId());
        assertEquals("deadline", d.trigger());
        assertEquals(timer.dueAt(), d.at());
        assertEquals(List.of("intent_low", "value_high"), d.reasons());
        assertEquals(new Decision.Reward(new BigDecimal("6.80"), "coupon"), d.coupon());
        assertEquals(List.of("sms"), d.channels());

        assertEquals(1, channels.sent().size());
        Notifier.Message message = channels.sent().get(0).message();
        assertEquals("sms", message.channel());
        assertEquals(PHONE, message.address());
        assertTrue(message.text().contains("6.80"), message.text());
        assertEquals(1, ledgers.coupons().size());
        assertEquals(List.of(d), channels.decisions());
    }

    @Test
    void theTimerTravelsThroughItsWireForm() {
        stall();
        Timer delivered = TimerMessage.fromJson(TimerMessage.toJson(lastArmed("order")));
        assertEquals(Outcome.SENT, fire(delivered).outcome());
    }

    @Test
    void theDecisionIsStampedWithTheDeadlineNotTheRunTime() {
        stall();
        Timer timer = lastArmed("order");
        Instant late = timer.dueAt().plus(Duration.ofMinutes(5));
        Decision d = check.check(timer, late).orElseThrow();
        assertEquals(timer.dueAt(), d.at());
        assertEquals(late.toString(), d.details().get("decidedAt"));
        assertEquals(0, new BigDecimal("68.00").compareTo((BigDecimal) d.details().get("cartValue")));
    }

    @Test
    void theSameTimerCheckedTwiceDecidesOnce() {
        stall();
        Timer timer = lastArmed("order");
        Decision first = fire(timer);
        Decision second = check.check(timer, timer.dueAt().plusSeconds(20)).orElseThrow();
        assertEquals(first.decisionId(), second.decisionId());
        assertEquals(first.outcome(), second.outcome());
        assertEquals(first.coupon(), second.coupon());
        assertEquals(1, ledgers.coupons().size());
        assertEquals(1, channels.sent().size());
        assertEquals(1, channels.decisions().size());
    }

    // --- A9: stale timers ------------------------------------------------------------------------

    @Test
    void anOrderBeforeTheDeadlineMakesTheCheckANoOp() {
        stall();
        Timer timer = lastArmed("order");
        ingest(order(30));
        assertEquals(Optional.empty(), check.check(timer, timer.dueAt()));
        assertTrue(channels.decisions().isEmpty());
        assertNoEffects();
    }

    @Test
    void reEnteringThePageSupersedesTheOldTimer() {
        stall();
        Timer old = lastArmed("order");
        ingest(pageEnter("order", 20));
        Timer renewed = lastArmed("order");
        assertEquals(at(20), renewed.enteredAt());
        assertEquals(at(65), renewed.dueAt());

        assertEquals(Optional.empty(), check.check(old, old.dueAt()));
        assertNoEffects();
        Decision d = fire(renewed);
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(renewed.id(), d.decisionId());
        assertEquals(1, channels.decisions().size());
    }

    @Test
    void aNewSessionMakesTheOldTimerStale() {
        stall();
        Timer timer = lastArmed("order");
        ingest(user("app_open", at(30)));
        assertEquals(Optional.empty(), check.check(timer, timer.dueAt()));
        assertNoEffects();
    }

    @Test
    void aNewSessionIdMakesTheOldTimerStale() {
        ingest(userWith(event("profile_updated").with("phone", PHONE), at(-60)),
                userWith(event("page_enter").with("page", "order").session("s1"), at(0)));
        Timer timer = lastArmed("order");
        ingest(userWith(event("page_enter").with("page", "home").session("s2"), at(10)));
        assertEquals(Optional.empty(), check.check(timer, timer.dueAt()));
    }

    @Test
    void afterAnOrderOnlyTheNewEntrysTimerCounts() {
        stall();
        Timer before = lastArmed("order");
        ingest(order(10));
        ingest(pageEnter("order", 20));
        Timer after = lastArmed("order");
        assertEquals(at(20), after.enteredAt());

        assertEquals(Optional.empty(), check.check(before, before.dueAt()));
        Decision d = fire(after);
        // still in the app after the order: intent low; the cart was emptied by the order
        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals(List.of("intent_low", "value_not_high"), d.reasons());
        assertEquals(new Decision.Reward(new BigDecimal("5.00"), "coupon"), d.coupon());
    }

    @Test
    void anOrderAfterReEntryCancelsTheNewTimerToo() {
        stall();
        ingest(pageEnter("order", 20));
        Timer renewed = lastArmed("order");
        ingest(order(40));
        assertEquals(Optional.empty(), check.check(renewed, renewed.dueAt()));
        assertNoEffects();
    }

    @Test
    void anUnknownUserIsANoOp() {
        Timer ghost = new Timer("nobody", "order", T0, at(45));
        assertEquals(Optional.empty(), check.check(ghost, ghost.dueAt()));
        assertTrue(channels.decisions().isEmpty());
    }

    // --- not needed ------------------------------------------------------------------------------

    @Test
    void aUserWhoLeftQuicklyWithASmallCartIsNotRecalledButTheDecisionIsRecorded() {
        ingest(userWith(event("profile_updated").with("phone", PHONE), at(-60)),
                user("app_open", at(-30)),
                userWith(event("cart_add").with("itemId", "sku-1").with("price", "20.00").with("quantity", 1), at(-20)),
                pageEnter("order", 0),
                user("app_leave", at(10)));
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.NOT_NEEDED, d.outcome());
        assertEquals(List.of("intent_not_low", "value_not_high"), d.reasons());
        assertNull(d.coupon());
        assertEquals(List.of(), d.channels());
        assertEquals(List.of(d), channels.decisions());
        assertNoEffects();
    }

    @Test
    void leavingAfterFivePagesIsLowIntent() {
        ingest(userWith(event("profile_updated").with("phone", PHONE), at(-60)),
                user("app_open", at(-30)),
                pageEnter("coupon", -25), pageEnter("coupon", -20), pageEnter("coupon", -15), pageEnter("coupon", -10),
                pageEnter("order", 0),
                user("app_leave", at(10)));
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.SENT, d.outcome());
        assertEquals(List.of("intent_low", "value_not_high"), d.reasons());
    }

    // --- A7: the resource gate -------------------------------------------------------------------

    @Test
    void aLoadedZoneSuppressesTheRecall() {
        stall();
        ingest(rec(event("delivery_pressure").with("zone", "z1").with("value", 0.9), at(10)));
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("intent_low", "value_high", "delivery_pressure"), d.reasons());
        assertNull(d.coupon());
        assertEquals(0.9, d.details().get("deliveryPressure"));
        assertEquals(List.of(d), channels.decisions());
        assertNoEffects();
    }

    @Test
    void anotherZonesPressureDoesNotMatter() {
        stall();
        ingest(rec(event("delivery_pressure").with("zone", "z2").with("value", 0.95), at(10)));
        assertEquals(Outcome.SENT, fire(lastArmed("order")).outcome());
    }

    @Test
    void aMerchantShortOfSupplySuppressesTheRecall() {
        stall();
        ingest(rec(event("merchant_supply").with("merchantId", "m1").with("status", "tight"), at(10)));
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("intent_low", "value_high", "merchant_supply"), d.reasons());
        assertEquals("tight", d.details().get("merchantSupply"));
        assertNoEffects();
    }

    @Test
    void theNewestSupplyReportCounts() {
        stall();
        ingest(rec(event("merchant_supply").with("merchantId", "m1").with("status", "tight"), at(5)));
        ingest(rec(event("merchant_supply").with("merchantId", "m1").with("status", "sufficient"), at(10)));
        assertEquals(Outcome.SENT, fire(lastArmed("order")).outcome());
    }

    // --- the final filter applies ----------------------------------------------------------------

    @Test
    void aDeadlineInQuietHoursIsSuppressed() {
        stallAt(Duration.ofHours(13).toSeconds()); // order page at 23:00 in Shanghai
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals(List.of("intent_low", "value_high", "quiet_hours"), d.reasons());
        assertNoEffects();
    }

    /**
     * The timer is due at 21:59:30 and decided then (SENT); its message is delivered again (SQS is at
     * least once) and checked at 22:00:30. The recorded decision must still say what happened.
     */
    @Test
    void aRedeliveredTimerAfter22DoesNotRewriteASentDecision() {
        stallAt(Duration.ofHours(11).plusMinutes(58).plusSeconds(45).toSeconds()); // 21:58:45 in Shanghai
        Timer timer = lastArmed("order");
        assertEquals(Instant.parse("2026-11-22T13:59:30Z"), timer.dueAt());
        assertEquals(Outcome.SENT, check.check(timer, timer.dueAt()).orElseThrow().outcome());

        Decision again = check.check(timer, timer.dueAt().plusSeconds(60)).orElseThrow();
        assertEquals(Outcome.SENT, again.outcome(), again.toString());
        assertEquals(Outcome.SENT, channels.decisions().get(0).outcome());
        assertEquals(1, channels.sent().size());
    }

    @Test
    void anOptedOutUserIsSuppressed() {
        stall();
        ingest(userWith(event("consent_updated").with("channel", "sms").with("optedIn", false), at(10)));
        Decision d = fire(lastArmed("order"));
        assertEquals(Outcome.SUPPRESSED, d.outcome());
        assertEquals("opted_out", d.reasons().get(d.reasons().size() - 1));
        assertNoEffects();
    }
}
