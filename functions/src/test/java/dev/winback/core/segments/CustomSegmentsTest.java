package dev.winback.core.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CustomSegmentsTest {

    /** A user with a 120.00 cart of 3 items, 2 orders, high_value, a profile and one opt-out. */
    private static SegmentFacts facts(Map<String, Object> profile) {
        return new SegmentFacts(2, 1, 1, 640.0, 600.0, 2, 120.0, 3, 1, 40, 5, -1, 6, true,
                List.of(BuiltInTags.HIGH_VALUE), profile, Map.of("sms", false));
    }

    private static final SegmentFacts USER = facts(Map.of("zone", "north", "tier", 3, "vip", true));

    private static Set<String> tags(Map<String, String> definitions, SegmentFacts facts) {
        Set<String> into = new TreeSet<>();
        CustomSegments.of(definitions).evaluate(facts, into);
        return into;
    }

    private static SegmentExpressionException rejected(String name, String expression) {
        return assertThrows(SegmentExpressionException.class, () -> CustomSegments.of(Map.of(name, expression)));
    }

    // --- evaluation ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "cartValue >= 100.0 ; true",
            "cartValue >= 100 ; true",
            "cartValue >= 150 ; false",
            "orders > 0 && daysSinceLastOrder >= 30 ; false",
            "orders > 0 && daysSinceLastOrder >= 5 ; true",
            "daysSinceLastLogin == -1 ; true",
            "registeredDaysAgo > 30 && orders < 3 ; true",
            "spend90d >= 500.0 && spend > spend90d ; true",
            "orders30d >= 2 && ordersCompleted == 1 && couponsUsed == 1 ; true",
            "cartItems == 3 && pagesViewed > 5 && leftApp ; true",
            "loginsInWindow == 1 ; true",
            "'high_value' in tags ; true",
            "'dormant' in tags ; false",
            "tags.exists(t, t.startsWith('high_')) ; true",
            "has(profile.zone) && profile.zone == 'north' ; true",
            "profile.tier >= 3 && profile.vip ; true",
            "'email' in profile ; false",
            "!has(profile.email) ; true",
            "'sms' in consent && !consent.sms ; true",
            "!('push' in consent) || consent.push ; true"})
    void expressionsOverTheDocumentedVariables(String expression, boolean expected) {
        assertEquals(expected ? Set.of("seg") : Set.of(), tags(Map.of("seg", expression), USER));
    }

    @Test
    void severalSegmentsAreEvaluatedIndependently() {
        Map<String, String> definitions = new LinkedHashMap<>();
        definitions.put("big_cart", "cartValue >= 100.0");
        definitions.put("lapsed", "daysSinceLastOrder >= 30");
        definitions.put("north", "profile.zone == 'north'");
        assertEquals(Set.of("big_cart", "north"), tags(definitions, USER));
        assertEquals(List.of("big_cart", "lapsed", "north"), CustomSegments.of(definitions).names());
    }

    @Test
    void noDefinitionsIsNone() {
        assertSame(CustomSegments.NONE, CustomSegments.of(Map.of()));
        assertSame(CustomSegments.NONE, CustomSegments.of(null));
        Set<String> into = new TreeSet<>();
        assertEquals(0, CustomSegments.NONE.evaluate(USER, into));
        assertTrue(into.isEmpty());
    }

    @Test
    void equalDefinitionsAreCompiledOnce() {
        Map<String, String> one = new LinkedHashMap<>(Map.of("cache_probe", "orders > 41"));
        Map<String, String> other = new LinkedHashMap<>(Map.of("cache_probe", "orders > 41"));
        assertSame(CustomSegments.of(one), CustomSegments.of(other));
        assertSame(CustomSegments.of(one), CustomSegments.of(one));
    }

    // --- run-time failures -----------------------------------------------------------------------

    @Test
    void aRuntimeErrorLeavesTheTagOffCountsItAndTheOthersStillRun() {
        Map<String, String> definitions = new LinkedHashMap<>();
        definitions.put("gold", "profile.level == 'gold'");       // no such key for this user
        definitions.put("per_order", "orders / (orders - 2) > 1"); // integer division by zero for this user
        definitions.put("big_cart", "cartValue >= 100.0");
        CustomSegments segments = CustomSegments.of(definitions);
        long before = segments.failures();
        Set<String> into = new TreeSet<>();
        assertEquals(2, segments.evaluate(USER, into));
        assertEquals(Set.of("big_cart"), into);
        assertEquals(before + 2, segments.failures());
    }

    @Test
    void aDynamicResultThatIsNotBoolIsAFailureNotATag() {
        // profile values are dyn: this type-checks, and is a string for this user
        CustomSegments segments = CustomSegments.of(Map.of("odd", "profile.zone"));
        Set<String> into = new TreeSet<>();
        assertEquals(1, segments.evaluate(USER, into));
        assertTrue(into.isEmpty());
    }

    @Test
    void aProfileValueOfAnUnexpectedTypeFailsOnlyThatUser() {
        CustomSegments segments = CustomSegments.of(Map.of("tier_three", "profile.tier >= 3"));
        Set<String> into = new TreeSet<>();
        assertEquals(0, segments.evaluate(USER, into));
        assertEquals(Set.of("tier_three"), into);
        into.clear();
        assertEquals(1, segments.evaluate(facts(Map.of("tier", "three")), into));
        assertTrue(into.isEmpty());
    }

    // --- compile-time checks ---------------------------------------------------------------------

    @Test
    void aNonBoolResultIsRejectedWithTheColumn() {
        SegmentExpressionException e = rejected("cart_size", "cartItems + 1");
        assertEquals("cart_size", e.segment());
        assertEquals("cartItems + 1", e.expression());
        assertTrue(e.getMessage().contains("segment 'cart_size'"), e.getMessage());
        assertTrue(e.getMessage().contains("\"cartItems + 1\""), e.getMessage());
        assertTrue(e.getMessage().contains("segments.custom.cart_size:1:11: expected type 'bool' but found 'int'"),
                e.getMessage());
    }

    @Test
    void anUnknownVariableIsRejectedListingTheKnownOnes() {
        SegmentExpressionException e = rejected("big_cart", "cartTotal >= 100.0");
        assertTrue(e.getMessage().contains("segments.custom.big_cart:1:1: undeclared reference to 'cartTotal'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("variables: orders, ordersCompleted"), e.getMessage());
    }

    @Test
    void aSyntaxErrorIsRejectedWithTheColumn() {
        SegmentExpressionException e = rejected("broken", "cartValue >= (");
        assertTrue(e.getMessage().contains("segments.custom.broken:1:15:"), e.getMessage());
        assertTrue(e.getMessage().contains("| cartValue >= ("), "shows the expression: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders == 'three'", "tags > 1", "consent.sms + 1 > 0", "profile", "cartValue"})
    void typeErrorsAreRejected(String expression) {
        assertThrows(SegmentExpressionException.class, () -> CustomSegments.of(Map.of("seg", expression)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Big_Cart", "1cart", "big-cart", "big cart", "",
            "a_name_that_is_far_too_long_for_a_tag_01234"})
    void badNamesAreRejected(String name) {
        SegmentExpressionException e = rejected(name, "orders > 1");
        assertTrue(e.getMessage().contains("lower-case"), e.getMessage());
    }

    @Test
    void builtInNamesAreReserved() {
        SegmentExpressionException e = rejected("dormant", "loginsInWindow == 0");
        assertTrue(e.getMessage().contains("built-in"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyExpressionIsRejected(String expression) {
        assertTrue(rejected("empty", expression).getMessage().contains("has no expression"));
    }

    @Test
    void tooManySegmentsAreRejected() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= CustomSegments.MAX_SEGMENTS; i++) {
            many.put("s" + i, "orders > " + i);
        }
        assertThrows(SegmentExpressionException.class, () -> CustomSegments.of(many));
    }

    // --- the variable set ------------------------------------------------------------------------

    @Test
    void everyDeclaredVariableHasAValueOfItsType() {
        for (Map.Entry<String, CelType> variable : SegmentFacts.VARIABLES.entrySet()) {
            Object value = USER.value(variable.getKey());
            assertNotNull(value, variable.getKey());
            Class<?> expected = switch (variable.getValue().kind()) {
                case INT -> Long.class;
                case DOUBLE -> Double.class;
                case BOOL -> Boolean.class;
                case LIST -> List.class;
                case MAP -> Map.class;
                default -> throw new AssertionError(variable);
            };
            assertInstanceOf(expected, value, variable.getKey());
        }
        assertEquals(null, USER.value("nope"));
        assertEquals(CelKind.MAP, SegmentFacts.VARIABLES.get("profile").kind());
        assertEquals(17, SegmentFacts.VARIABLES.size());
    }

    @Test
    void profileNumbersAreWidenedForCel() {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("i", 3);
        profile.put("big", new BigInteger("12"));
        profile.put("dec", new BigDecimal("2.50"));
        profile.put("list", List.of(1, "x"));
        profile.put("nested", Map.of("n", (short) 4));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        profile.put("nulls", withNull);
        @SuppressWarnings("unchecked")
        Map<String, Object> cel = (Map<String, Object>) facts(profile).value("profile");
        assertEquals(3L, cel.get("i"));
        assertEquals(12L, cel.get("big"));
        assertEquals(2.5, cel.get("dec"));
        assertEquals(List.of(1L, "x"), cel.get("list"));
        assertEquals(Map.of("n", 4L), cel.get("nested"));
        assertEquals(List.of(), cel.get("nulls"));
        assertEquals(Set.of("seg"), tags(Map.of("seg",
                "profile.i == 3 && profile.big > 11 && profile.dec > 2 && profile.list[0] == 1 && profile.nested.n == 4"),
                facts(profile)));
    }
}
