package dev.winback.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.PolicyLoader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** C3: the strategy record, its defaults from today's policy and its validation. */
class ScenarioStrategyTest {

    @Test
    void theShippedPolicysNewNoOrderStrategy() {
        ScenarioStrategy s = ScenarioStrategy.allOf(PolicyLoader.defaults()).get("new_no_order");
        assertEquals("new_no_order", s.name());
        assertEquals("new_no_order", s.segment());
        assertEquals("register", s.after());
        assertEquals(Duration.ofMinutes(30), s.delay());
        assertEquals(List.of("coupon:5.00", "coupon:10.00", "free_delivery"),
                s.rewards().stream().map(ScenarioReward::key).toList());
        assertEquals(List.of("push", "sms", "inbox"), s.channels());
        assertEquals(0.1, s.explorationFloor());
        assertEquals(0.05, s.holdout());
        assertEquals("scenario:new_no_order", s.trigger());
        assertEquals(List.of(), s.validate());
    }

    @Test
    void theLabelIsStableAndFollowsTheConfiguration() {
        ScenarioStrategy s = ScenarioStrategy.allOf(PolicyLoader.defaults()).get("new_no_order");
        assertTrue(s.label().matches("new_no_order@[0-9a-f]{8}"), s.label());
        assertEquals(s.label(), ScenarioStrategy.allOf(PolicyLoader.defaults()).get("new_no_order").label());
        ScenarioStrategy slower = new ScenarioStrategy(s.name(), s.segment(), s.after(), Duration.ofHours(1), s.rewards(),
                s.channels(), s.messages(), s.explorationFloor(), s.holdout());
        assertNotEquals(s.label(), slower.label());
    }

    @Test
    void validationNamesEveryProblem() {
        ScenarioStrategy bad = new ScenarioStrategy("x", "", "login", Duration.ZERO,
                List.of(ScenarioReward.of("coupon", BigDecimal.ONE), ScenarioReward.of("coupon", new BigDecimal("1.00"))),
                List.of("push", "fax"), Map.of("default", Map.of("coupon", "{0} off")), 1.5, 1);
        String all = String.join("\n", bad.validate());
        assertTrue(all.contains("scenarios.x.segment: required"), all);
        assertTrue(all.contains("scenarios.x.after: only 'register' is supported"), all);
        assertTrue(all.contains("scenarios.x.delay: must be positive"), all);
        assertTrue(all.contains("scenarios.x.rewards: a candidate is listed twice"), all);
        assertTrue(all.contains("scenarios.x.channels: 'fax' is not one of"), all);
        assertTrue(all.contains("scenarios.x.explorationFloor"), all);
        assertTrue(all.contains("scenarios.x.holdout"), all);
    }

    @Test
    void rewardKeysAreCanonical() {
        assertEquals("coupon:5.00", ScenarioReward.of("coupon", new BigDecimal("5")).key());
        assertEquals("coupon:5.00", ScenarioReward.of("coupon", new BigDecimal("5.0")).key());
        assertEquals("coupon:5.50", ScenarioReward.of("coupon", new BigDecimal("5.500")).key());
        assertEquals("bonus_money:0.125", ScenarioReward.of("bonus_money", new BigDecimal("0.125")).key());
        assertEquals("free_delivery", ScenarioReward.of("free_delivery", null).key());
        for (String key : List.of("coupon:5.00", "free_delivery", "benefit_card:30.00", "benefit_card")) {
            assertEquals(key, ScenarioReward.fromKey(key).key());
        }
        assertNull(ScenarioReward.fromKey("free_delivery").amount());
    }

    @Test
    void rewardsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ScenarioReward.of("coupon", null), "a coupon needs an amount");
        assertThrows(IllegalArgumentException.class, () -> ScenarioReward.of("bonus_money", BigDecimal.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ScenarioReward.of("voucher", BigDecimal.ONE));
    }

    @Test
    void timersStartAtRegistration() {
        ScenarioStrategy s = ScenarioStrategy.allOf(PolicyLoader.defaults()).get("new_no_order");
        dev.winback.core.state.UserState user = dev.winback.core.state.UserState.newUser("u1");
        assertEquals(List.of(), ScenarioTimers.onRegistration(List.of(s), user), "not registered: nothing to arm");
        user.registeredAt = Instant.parse("2026-11-22T02:00:00Z");
        dev.winback.core.recall.Timer timer = ScenarioTimers.onRegistration(List.of(s), user).get(0);
        assertEquals("scenario:new_no_order", timer.page());
        assertEquals(user.registeredAt, timer.enteredAt());
        assertEquals(Instant.parse("2026-11-22T02:30:00Z"), timer.dueAt());
        assertTrue(ScenarioTimers.isScenario(timer));
        assertEquals("new_no_order", ScenarioTimers.scenarioOf(timer));
        assertThrows(IllegalArgumentException.class, () -> ScenarioTimers.scenarioOf(
                new dev.winback.core.recall.Timer("u1", "order", user.registeredAt, user.registeredAt)));
    }
}
