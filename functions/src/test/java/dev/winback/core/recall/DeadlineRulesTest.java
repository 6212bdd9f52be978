package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A3–A7 at a deadline: intent, value, combination, churn score, resource gate. */
class DeadlineRulesTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final Timer TIMER = new Timer("u1", "order", T0, T0.plusSeconds(45));

    // --- helpers ---------------------------------------------------------------------------------

    /** A session with {@code cart} in the cart (null: empty) and {@code pages} pages viewed (the last: order). */
    private static UserBuilder session(int pages, String cart) {
        UserBuilder b = UserBuilder.of("u1", POLICY, T0.minusSeconds(60)).then("app_open");
        if (cart != null) {
            b.cart(cart);
        }
        b.pages(pages - 1, "coupon");
        return b.at(T0).page("order");
    }

    private static UserState inApp(int pages, String cart) {
        return session(pages, cart).state();
    }

    private static UserState leftAfter(int pages, String cart) {
        return session(pages, cart).after(Duration.ofSeconds(10)).then("app_leave").state();
    }

    private static DeadlineRules.Verdict evaluate(UserState user) {
        return DeadlineRules.evaluate(TIMER, user, null, null, POLICY);
    }

    private static DeadlineRules.Verdict evaluate(UserState user, Policy policy) {
        return DeadlineRules.evaluate(TIMER, user, null, null, policy);
    }

    private static OpsState zone(double pressure) {
        OpsState zone = new OpsState();
        zone.reportPressure("z1", pressure, T0);
        return zone;
    }

    private static OpsState merchant(String supply) {
        OpsState merchant = new OpsState();
        merchant.reportSupply("m1", supply, T0);
        return merchant;
    }

    /** A user whose converting sessions viewed these many pages (each: app_open, pages, order). */
    private static UserBuilder converted(int... pagesPerSession) {
        UserBuilder b = UserBuilder.of("u1", POLICY, T0.minus(Duration.ofDays(3)));
        for (int pages : pagesPerSession) {
            b.then("app_open").pages(pages, "home").order("20.00").after(Duration.ofHours(2));
        }
        return b;
    }

    // --- A3 intent ------------------------------------------------------------------------------

    @Nested
    class Intent {

        @Test
        void lowWhenStillInTheAppWithoutOrdering() {
            DeadlineRules.Verdict v = evaluate(inApp(1, null));
            assertTrue(v.reasons().contains("intent_low"), v.reasons().toString());
            assertEquals(false, v.details().get("leftApp"));
        }

        @Test
        void lowWhenNPagesViewedThenLeft() {
            DeadlineRules.Verdict v = evaluate(leftAfter(5, null));
            assertTrue(v.reasons().contains("intent_low"), v.reasons().toString());
            assertEquals(5, v.details().get("pagesViewed"));
            assertEquals(true, v.details().get("leftApp"));
        }

        @Test
        void lowWhenMoreThanNPagesViewedThenLeft() {
            assertTrue(evaluate(leftAfter(9, null)).reasons().contains("intent_low"));
        }

        @Test
        void notLowWhenLeftWithFewerThanNPages() {
            DeadlineRules.Verdict v = evaluate(leftAfter(4, null));
            assertTrue(v.reasons().contains("intent_not_low"), v.reasons().toString());
            assertFalse(v.reasons().contains("intent_low"));
        }

        @Test
        void returningFromBackgroundToAPageIsBeingInTheApp() {
            UserState user = session(1, null).after(Duration.ofSeconds(5)).then("app_leave")
                    .after(Duration.ofSeconds(5)).page("coupon").state();
            assertTrue(evaluate(user).reasons().contains("intent_low"));
        }

        @Test
        void nDefaultsToFiveUntilTheUserHasConverted() {
            assertEquals(5, DeadlineRules.pagesThenLeft(UserState.newUser("u1"), POLICY));
            assertEquals(5, evaluate(leftAfter(4, null)).details().get("pagesThenLeft"));
        }

        @Test
        void nIsTheUsersOwnRoundedAveragePagesPerConvertingSession() {
            // 2 and 3 pages: average 2.5, rounded to 3
            UserState threeThenLeft = converted(2, 3).then("app_open").pages(2, "home").page("order")
                    .then("app_leave").state();
            assertEquals(3, DeadlineRules.pagesThenLeft(threeThenLeft, POLICY));
            DeadlineRules.Verdict low = evaluate(threeThenLeft);
            assertTrue(low.reasons().contains("intent_low"), low.reasons().toString());
            assertEquals(3, low.details().get("pagesThenLeft"));

            UserState twoThenLeft = converted(2, 3).then("app_open").page("home").page("order")
                    .then("app_leave").state();
            assertTrue(evaluate(twoThenLeft).reasons().contains("intent_not_low"));
        }

        @Test
        void nRoundsDownBelowAHalf() {
            UserState user = converted(2, 2, 3).state(); // 2.33 -> 2
            assertEquals(2, DeadlineRules.pagesThenLeft(user, POLICY));
        }

        @Test
        void aUsersHighOwnAverageRaisesN() {
            UserState user = converted(8, 8, 9).then("app_open").pages(6, "home").page("order")
                    .then("app_leave").state(); // N = 8, 7 pages
            assertEquals(8, DeadlineRules.pagesThenLeft(user, POLICY));
            assertTrue(evaluate(user).reasons().contains("intent_not_low"));
        }
    }

    // --- A4 value -------------------------------------------------------------------------------

    @Nested
    class Value {

        @Test
        void highAtExactlyTheThreshold() {
            DeadlineRules.Verdict v = evaluate(inApp(1, "50.00"));
            assertTrue(v.reasons().contains("value_high"), v.reasons().toString());
            assertEquals(0, new BigDecimal("50.00").compareTo((BigDecimal) v.details().get("cartValue")));
        }

        @Test
        void highAtExactlyTheThresholdFromSeveralLines() {
            UserState user = session(1, "25.00").cart("24.99").cart("0.01").state();
            assertTrue(evaluate(user).reasons().contains("value_high"));
        }

        @Test
        void notHighJustBelowTheThreshold() {
            DeadlineRules.Verdict v = evaluate(inApp(1, "49.99"));
            assertTrue(v.reasons().contains("value_not_high"), v.reasons().toString());
            assertFalse(v.reasons().contains("value_high"));
        }

        @Test
        void notHighWithAnEmptyCart() {
            assertTrue(evaluate(inApp(1, null)).reasons().contains("value_not_high"));
        }
    }

    // --- A5 combination -------------------------------------------------------------------------

    /** Intent low: still in the app; not low: left after 1 page. Value high: 68.00; not: 20.00. */
    @ParameterizedTest(name = "{0}: intentLow={1} valueHigh={2} -> needed={3}")
    @CsvSource({
        "OR, true, true, true", "OR, true, false, true", "OR, false, true, true", "OR, false, false, false",
        "AND, true, true, true", "AND, true, false, false", "AND, false, true, false", "AND, false, false, false",
        "INTENT_ONLY, true, true, true", "INTENT_ONLY, true, false, true",
        "INTENT_ONLY, false, true, false", "INTENT_ONLY, false, false, false",
        "VALUE_ONLY, true, true, true", "VALUE_ONLY, true, false, false",
        "VALUE_ONLY, false, true, true", "VALUE_ONLY, false, false, false",
    })
    void combinations(Policy.Combination combination, boolean intentLow, boolean valueHigh, boolean needed) {
        String cart = valueHigh ? "68.00" : "20.00";
        UserState user = intentLow ? inApp(1, cart) : leftAfter(1, cart);
        DeadlineRules.Verdict v = evaluate(user, Policies.withCombination(POLICY, combination));
        assertEquals(needed, v.needed(), v.reasons().toString());
        assertEquals(List.of(intentLow ? "intent_low" : "intent_not_low", valueHigh ? "value_high" : "value_not_high"),
                v.reasons());
        assertEquals("deadline", v.trigger());
        assertNull(v.blockedBy());
    }

    @Test
    void theDefaultCombinationIsOr() {
        assertEquals(Policy.Combination.OR, POLICY.recall().combination());
        assertTrue(evaluate(leftAfter(1, "68.00")).needed());
        assertFalse(evaluate(leftAfter(1, "20.00")).needed());
    }

    // --- A6 churn score -------------------------------------------------------------------------

    @Nested
    class Churn {

        private Policy.ChurnModel model(double threshold) {
            Map<String, Double> coefficients = new LinkedHashMap<>();
            coefficients.put("pagesViewed", 0.15);
            coefficients.put("cartValue", 0.02);
            coefficients.put("leftApp", 1.2);
            coefficients.put("minutesOnPage", 0.05);
            return new Policy.ChurnModel(true, threshold, -2.0, coefficients);
        }

        private Policy churnPolicy(double threshold) {
            return Policies.withChurnModel(POLICY, model(threshold));
        }

        /** Left after 3 pages with 20.00 in the cart, 45 s timer: not needed by the rules. */
        private UserState notNeededByRules() {
            return leftAfter(3, "20.00");
        }

        @Test
        void scoreIsTheLogisticOfTheWeightedFeatures() {
            // z = -2 + 0.15*3 + 0.02*20 + 1.2*1 + 0.05*0.75 = 0.0875; 1/(1+e^-0.0875) = 0.521861...
            double score = ChurnScore.score(TIMER, notNeededByRules(), model(0.5));
            assertEquals(0.5218610539716015, score, 1e-12);
        }

        @Test
        void theOrdersFeatureCounts() {
            UserState user = converted(1, 1).then("app_open").pages(2, "home").page("order").then("app_leave").state();
            Policy.ChurnModel ordersOnly = new Policy.ChurnModel(true, 0.5, 0.0, Map.of("orders", 1.0));
            assertEquals(1 / (1 + Math.exp(-2.0)), ChurnScore.score(TIMER, user, ordersOnly), 1e-12);
        }

        @Test
        void anEmptyModelScoresTheInterceptAlone() {
            Policy.ChurnModel none = new Policy.ChurnModel(true, 0.5, 0.0, Map.of());
            assertEquals(0.5, ChurnScore.score(TIMER, inApp(1, null), none), 1e-12);
        }

        @Test
        void firesAsChurnWhenTheRulesSayNoAndTheScoreReachesTheThreshold() {
            DeadlineRules.Verdict v = evaluate(notNeededByRules(), churnPolicy(0.52));
            assertTrue(v.needed());
            assertEquals("churn", v.trigger());
            assertTrue(v.reasons().contains("churn_score"), v.reasons().toString());
            assertTrue(v.reasons().contains("intent_not_low"));
            assertEquals(0.522, v.details().get("churnScore"));
        }

        @Test
        void doesNotFireBelowTheThreshold() {
            DeadlineRules.Verdict v = evaluate(notNeededByRules(), churnPolicy(0.53));
            assertFalse(v.needed());
            assertEquals("deadline", v.trigger());
            assertFalse(v.reasons().contains("churn_score"));
            assertEquals(0.522, v.details().get("churnScore"), "the score is recorded even when it does not fire");
        }

        @Test
        void doesNotReplaceTheRulesWhenTheyAlreadyCallForARecall() {
            DeadlineRules.Verdict v = evaluate(leftAfter(3, "68.00"), churnPolicy(0.1));
            assertTrue(v.needed());
            assertEquals("deadline", v.trigger());
            assertFalse(v.reasons().contains("churn_score"));
        }

        @Test
        void disabledByDefault() {
            assertFalse(POLICY.recall().churnModel().enabled());
            DeadlineRules.Verdict v = evaluate(notNeededByRules());
            assertFalse(v.needed());
            assertFalse(v.details().containsKey("churnScore"));
        }

        @Test
        void aChurnRecallStillPassesTheResourceGate() {
            DeadlineRules.Verdict v = DeadlineRules.evaluate(TIMER, notNeededByRules(), zone(0.9), null, churnPolicy(0.5));
            assertEquals("churn", v.trigger());
            assertEquals("delivery_pressure", v.blockedBy());
        }
    }

    // --- A7 resource gate -----------------------------------------------------------------------

    @Nested
    class ResourceGate {

        private final UserState needed = inApp(1, "68.00");

        private DeadlineRules.Verdict gate(OpsState zone, OpsState merchant) {
            DeadlineRules.Verdict v = DeadlineRules.evaluate(TIMER, needed, zone, merchant, POLICY);
            assertTrue(v.needed());
            return v;
        }

        @Test
        void pressureAtTheThresholdBlocks() {
            DeadlineRules.Verdict v = gate(zone(0.8), null);
            assertEquals("delivery_pressure", v.blockedBy());
            assertEquals(0.8, v.details().get("deliveryPressure"));
        }

        @Test
        void pressureAboveTheThresholdBlocks() {
            assertEquals("delivery_pressure", gate(zone(0.95), merchant("sufficient")).blockedBy());
        }

        @Test
        void pressureJustBelowPasses() {
            DeadlineRules.Verdict v = gate(zone(0.79), null);
            assertNull(v.blockedBy());
            assertEquals(0.79, v.details().get("deliveryPressure"));
        }

        @Test
        void unknownZonePasses() {
            assertNull(gate(null, null).blockedBy());
            assertNull(gate(new OpsState(), null).blockedBy(), "a zone without a pressure report");
        }

        @Test
        void tightOrOutSupplyBlocks() {
            DeadlineRules.Verdict tight = gate(null, merchant("tight"));
            assertEquals("merchant_supply", tight.blockedBy());
            assertEquals("tight", tight.details().get("merchantSupply"));
            assertEquals("merchant_supply", gate(zone(0.1), merchant("out")).blockedBy());
        }

        @Test
        void sufficientOrUnknownSupplyPasses() {
            assertNull(gate(zone(0.1), merchant("sufficient")).blockedBy());
            assertNull(gate(zone(0.1), null).blockedBy());
            assertNull(gate(zone(0.1), new OpsState()).blockedBy(), "a merchant without a supply report");
        }

        @Test
        void pressureIsReportedFirstWhenBothBlock() {
            assertEquals("delivery_pressure", gate(zone(0.9), merchant("out")).blockedBy());
        }

        @Test
        void theGateIsNotConsultedWhenNoRecallIsNeeded() {
            DeadlineRules.Verdict v = DeadlineRules.evaluate(TIMER, leftAfter(1, "20.00"), zone(0.99), merchant("out"), POLICY);
            assertFalse(v.needed());
            assertNull(v.blockedBy());
        }

        @Test
        void detailsCarryTheFigures() {
            DeadlineRules.Verdict v = gate(zone(0.5), merchant("sufficient"));
            Map<String, Object> d = v.details();
            assertEquals("order", d.get("page"));
            assertEquals(45L, d.get("timerSeconds"));
            assertEquals(0, new BigDecimal("68.00").compareTo((BigDecimal) d.get("cartValue")));
            assertEquals(1, d.get("pagesViewed"));
            assertEquals(5, d.get("pagesThenLeft"));
            assertEquals(false, d.get("leftApp"));
            assertEquals(0.5, d.get("deliveryPressure"));
            assertEquals("sufficient", d.get("merchantSupply"));
        }
    }
}
