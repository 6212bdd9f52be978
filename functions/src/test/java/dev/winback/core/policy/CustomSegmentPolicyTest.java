package dev.winback.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.segments.CustomSegments;
import dev.winback.core.segments.SegmentExpressionException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code segments.custom} (C2): loaded, compiled and type-checked with the policy. */
class CustomSegmentPolicyTest {

    private static String defaultYaml;

    @BeforeAll
    static void loadDefaults() throws IOException {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEFAULT_RESOURCE)) {
            defaultYaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The default policy with {@code segments.custom} set to the given YAML block (indented 4). */
    private static String withCustom(String entries) {
        assertTrue(defaultYaml.contains("  custom: {}\n"), "the default policy has an empty segments.custom");
        return defaultYaml.replace("  custom: {}\n", "  custom:\n" + entries);
    }

    private static Policy parse(String yaml) {
        return PolicyLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test-policy.yaml");
    }

    private static PolicyException rejected(String entries) {
        return assertThrows(PolicyException.class, () -> parse(withCustom(entries)));
    }

    @Test
    void theShippedPolicyHasNoCustomSegments() {
        assertEquals(Map.of(), PolicyLoader.defaults().segments().custom());
    }

    @Test
    void customSegmentsLoadInOrderAndAreCompiled() {
        Policy policy = parse(withCustom("""
                    big_cart: "cartValue >= 100.0"
                    lapsed_buyer: "orders > 0 && daysSinceLastOrder >= 30"
                    north_vip: "'high_value' in tags && has(profile.zone) && profile.zone == 'north'"
                """));
        assertEquals(List.of("big_cart", "lapsed_buyer", "north_vip"), List.copyOf(policy.segments().custom().keySet()));
        assertEquals("cartValue >= 100.0", policy.segments().custom().get("big_cart"));
        assertEquals(List.of("big_cart", "lapsed_buyer", "north_vip"),
                CustomSegments.of(policy.segments().custom()).names());
    }

    @Test
    void theCommentedExamplesInTheShippedPolicyAreValid() {
        StringBuilder examples = new StringBuilder();
        for (String line : defaultYaml.split("\n")) {
            if (line.matches("  #   [a-z_]+: \".*\"")) {
                examples.append("    ").append(line.substring("  #   ".length())).append('\n');
            }
        }
        assertTrue(examples.length() > 0, "the shipped policy shows examples");
        assertTrue(parse(withCustom(examples.toString())).segments().custom().size() >= 3);
    }

    @Test
    void anAbsentCustomSectionMeansNone() {
        Policy policy = parse(defaultYaml.replace("  custom: {}\n", ""));
        assertEquals(Map.of(), policy.segments().custom());
        assertEquals(PolicyLoader.defaults(), policy);
    }

    @Test
    void aNonBoolExpressionIsRejectedNamingTheSegmentExpressionAndColumn() {
        PolicyException e = rejected("    cart_size: \"cartItems + 1\"\n");
        String message = e.getMessage();
        assertTrue(message.startsWith("test-policy.yaml: setting 'segments.custom.cart_size' expression \"cartItems + 1\""),
                message);
        assertTrue(message.contains("ERROR: segments.custom.cart_size:1:11: expected type 'bool' but found 'int'"), message);
        assertInstanceOf(SegmentExpressionException.class, e.getCause());
    }

    @Test
    void anUnknownVariableIsRejected() {
        String message = rejected("    big_cart: \"basketValue > 100\"\n").getMessage();
        assertTrue(message.contains("'segments.custom.big_cart'"), message);
        assertTrue(message.contains("1:1: undeclared reference to 'basketValue'"), message);
        assertTrue(message.contains("cartValue"), "lists the variables: " + message);
    }

    @Test
    void aSyntaxErrorIsRejected() {
        String message = rejected("    big_cart: \"cartValue >=\"\n").getMessage();
        assertTrue(message.contains("'segments.custom.big_cart'"), message);
        assertTrue(message.contains("segments.custom.big_cart:1:13:"), message);
    }

    @Test
    void aNumberWhereAnExpressionBelongsIsANonBoolExpression() {
        String message = rejected("    threshold: 100\n").getMessage();
        assertTrue(message.contains("expected type 'bool' but found 'int'"), message);
    }

    @Test
    void badAndReservedNamesAndEmptyExpressionsAreRejected() {
        assertTrue(rejected("    Big-Cart: \"cartValue > 1\"\n").getMessage().contains("segments.custom.Big-Cart"));
        assertTrue(rejected("    dormant: \"loginsInWindow == 0\"\n").getMessage().contains("built-in"));
        assertTrue(rejected("    empty: \"\"\n").getMessage().contains("'segments.custom.empty' has no expression"));
    }

    @Test
    void aBadExpressionAmongGoodOnesNamesTheBadOne() {
        String message = rejected("""
                    big_cart: "cartValue >= 100.0"
                    lapsed: "daysSinceLastOrder >= '30'"
                """).getMessage();
        assertTrue(message.contains("'segments.custom.lapsed'"), message);
        assertTrue(message.contains("daysSinceLastOrder >= '30'"), message);
    }

    @Test
    void theTwoArgumentConstructorHasNoCustomSegments() {
        Policy.Segments segments = new Policy.Segments(new BigDecimal("500"), 4);
        assertEquals(Map.of(), segments.custom());
        assertEquals(new Policy.Segments(new BigDecimal("500"), 4, null), segments);
    }
}
