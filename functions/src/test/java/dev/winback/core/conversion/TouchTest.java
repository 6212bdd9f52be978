package dev.winback.core.conversion;

import static dev.winback.core.conversion.Touches.T0;
import static dev.winback.core.conversion.Touches.details;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.recall.Decision;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which decisions are touches, and what a touch carries. */
class TouchTest {

    @Test
    void aSentDecisionIsARealTouch() {
        Touch t = Touch.of(Touches.sent("d-1", "u1", "deadline", T0, "sms", "6.80")).orElseThrow();
        assertEquals(Touch.Group.TREATED, t.group());
        assertEquals("sms", t.channel());
        assertEquals("coupon", t.reward());
        assertEquals(new BigDecimal("6.80"), t.couponAmount());
        assertEquals(T0, t.at());
        assertNull(t.scenario());
    }

    @Test
    void aHoldoutSuppressionIsAControlTouchOtherSuppressionsAreNone() {
        Touch t = Touch.of(Touches.heldOut("h-1", "u1", "deadline", T0)).orElseThrow();
        assertEquals(Touch.Group.HOLDOUT, t.group());
        assertNull(t.channel());
        assertNull(t.reward());
        Decision capped = new Decision("d-2", "u1", "deadline", T0, Decision.Outcome.SUPPRESSED,
                List.of("intent_low", "frequency_cap"), null, List.of(), Map.of());
        assertTrue(Touch.of(capped).isEmpty());
        Decision notNeeded = new Decision("d-3", "u1", "deadline", T0, Decision.Outcome.NOT_NEEDED,
                List.of("intent_not_low"), null, List.of(), Map.of());
        assertTrue(Touch.of(notNeeded).isEmpty());
    }

    @Test
    void aDeferredMessageTouchesWhenItWent() {
        Decision deferred = new Decision("r-1", "u1", "dormant", T0, Decision.Outcome.SENT, List.of("dormant"), null,
                List.of("email"), details("decidedAt", T0.plusSeconds(6 * 3600).toString()));
        Touch t = Touch.of(deferred).orElseThrow();
        assertEquals(T0.plusSeconds(6 * 3600), t.at());
        assertEquals(Touch.NO_REWARD, t.reward());
    }

    @Test
    void scenarioStrategyAndRewardComeFromTheDecision() {
        Decision d = new Decision("s-1", "u1", "scenario:new_no_order", T0, Decision.Outcome.SENT,
                List.of("new_no_order"), new Decision.Reward(new BigDecimal("5.00"), "coupon"), List.of("push"),
                details("strategy", "new_no_order-default", "reward", Map.of("name", "5.00 off", "alpha", 3)));
        Touch t = Touch.of(d).orElseThrow();
        assertEquals("new_no_order", t.scenario());
        assertEquals("new_no_order-default", t.strategy());
        assertEquals("5.00 off", t.reward());
        Decision journey = new Decision("j-1", "u1", "journey:onboarding:day1", T0, Decision.Outcome.SUPPRESSED,
                List.of("holdout"), null, List.of(), details("scenario", "onboarding", "reward", "free delivery"));
        Touch held = Touch.of(journey).orElseThrow();
        assertEquals("onboarding", held.scenario());
        assertEquals("free delivery", held.reward());
    }
}
