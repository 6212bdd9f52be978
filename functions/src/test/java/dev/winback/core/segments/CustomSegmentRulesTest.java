package dev.winback.core.segments;

import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.UserState;
import dev.winback.testing.EventJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** SegmentRules with the policy's custom segments: the variables as computed from real user state. */
class CustomSegmentRulesTest {

    private static final Policy DEFAULTS = PolicyLoader.defaults();
    /** 10:00 on 22 Nov 2026 in Asia/Shanghai. */
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

    private final UserState user = UserState.newUser("u1");
    private int count;

    static Policy withCustom(Map<String, String> custom) {
        Policy p = DEFAULTS;
        Policy.Segments s = p.segments();
        return new Policy(p.timeZone(), p.ingest(), p.recall(), p.dormancy(),
                new Policy.Segments(s.highValueSpend90d(), s.highFrequencyOrders30d(), custom), p.scenarios(),
                p.messaging(), p.attribution(), p.geo());
    }

    private static Policy one(String expression) {
        return withCustom(Map.of("probe", expression));
    }

    private void apply(EventJson event, String at) {
        user.apply(event.id("e" + (++count)).at(at).decoded(), DEFAULTS);
    }

    private boolean holds(String expression) {
        return SegmentRules.tags(user, NOW, one(expression)).contains("probe");
    }

    /** A user registered 21 days ago, one 130.00 order 10 days ago, a login yesterday, 2 items in the cart now. */
    private void typicalUser() {
        apply(userEvent("register"), "2026-11-01T02:00:00Z");
        apply(userEvent("order_placed").with("orderId", "o1").with("amount", "130.00"), "2026-11-12T02:00:00Z");
        apply(userEvent("login"), "2026-11-21T02:00:00Z");
        apply(userEvent("profile_updated").with("zone", "north").with("phone", "+8613800000000"),
                "2026-11-22T01:00:00Z");
        apply(userEvent("consent_updated").with("channel", "sms").with("optedIn", false), "2026-11-22T01:00:01Z");
        apply(userEvent("app_open").session("s9"), "2026-11-22T01:50:00Z");
        apply(userEvent("page_enter").session("s9").with("page", "product"), "2026-11-22T01:51:00Z");
        apply(userEvent("page_enter").session("s9").with("page", "order"), "2026-11-22T01:52:00Z");
        apply(userEvent("cart_add").session("s9").with("itemId", "i1").with("price", "40.00").with("quantity", 2),
                "2026-11-22T01:53:00Z");
        apply(userEvent("cart_add").session("s9").with("itemId", "i2").with("price", "25.50").with("quantity", 1),
                "2026-11-22T01:54:00Z");
        apply(userEvent("app_leave").session("s9"), "2026-11-22T01:55:00Z");
    }

    @Test
    void variablesComeFromTheUsersState() {
        typicalUser();
        assertTrue(holds("orders == 1 && spend == 130.0 && spend90d == 130.0 && orders30d == 1"));
        assertTrue(holds("cartValue == 105.5 && cartItems == 3"));
        assertTrue(holds("registeredDaysAgo == 21 && daysSinceLastOrder == 10 && daysSinceLastLogin == 1"));
        assertTrue(holds("loginsInWindow == 1 && pagesViewed == 2 && leftApp"));
        assertTrue(holds("profile.zone == 'north' && has(profile.phone) && consent.sms == false"));
        assertTrue(holds("tags == []"), "built-in tags: none for this user");
    }

    @Test
    void neverHappenedIsMinusOne() {
        apply(userEvent("app_open"), "2026-11-22T01:00:00Z");
        assertTrue(holds("registeredDaysAgo == -1 && daysSinceLastOrder == -1 && daysSinceLastLogin == -1"));
        assertTrue(holds("orders == 0 && cartItems == 0 && cartValue == 0.0 && !leftApp && profile == {}"));
        assertTrue(holds("tags == ['dormant']"));
    }

    @Test
    void customTagsJoinTheBuiltInOnesAndSeeOnlyThose() {
        apply(userEvent("register"), "2026-11-22T01:00:00Z");
        apply(userEvent("cart_add").with("itemId", "i1").with("price", "120.00").with("quantity", 1),
                "2026-11-22T01:10:00Z");
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("big_cart", "cartValue >= 100.0");
        custom.put("new_big_cart", "'new_no_order' in tags && cartValue >= 100.0");
        custom.put("sees_custom", "'big_cart' in tags"); // custom tags are not visible to expressions
        custom.put("lapsed", "orders > 0 && daysSinceLastOrder >= 30");
        SegmentRules.Segmentation result = SegmentRules.segment(user, NOW, withCustom(custom));
        assertEquals(Set.of("new_no_order", "dormant", "big_cart", "new_big_cart"), result.tags());
        assertEquals(0, result.failures());
    }

    @Test
    void builtInTagsAreTheSameWithCustomSegmentsConfigured() {
        Policy custom = withCustom(Map.of("big_cart", "cartValue >= 100.0", "north", "profile.zone == 'north'"));
        typicalUser();
        for (int day = 0; day < 40; day += 3) {
            Instant at = NOW.plusSeconds(86_400L * day);
            SortedSet<String> builtIn = SegmentRules.tags(user, at, DEFAULTS);
            SortedSet<String> withCustom = new TreeSet<>(SegmentRules.tags(user, at, custom));
            withCustom.removeAll(Set.of("big_cart", "north"));
            assertEquals(builtIn, withCustom, "day " + day);
            apply(userEvent("order_placed").with("orderId", "x" + day).with("amount", "99.00"),
                    at.plusSeconds(60).toString());
        }
    }

    @Test
    void aRuntimeErrorMarksTheTagAbsentAndIsCounted() {
        apply(userEvent("register"), "2026-11-22T01:00:00Z");
        Policy policy = withCustom(Map.of("gold", "profile.tier == 'gold'", "big_cart", "cartValue >= 0.0"));
        SegmentRules.Segmentation result = SegmentRules.segment(user, NOW, policy);
        assertEquals(Set.of("new_no_order", "dormant", "big_cart"), result.tags());
        assertEquals(1, result.failures());
    }
}
