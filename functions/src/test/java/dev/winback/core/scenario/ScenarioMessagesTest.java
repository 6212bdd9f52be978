package dev.winback.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** C3: MessageFormat templates per locale, formatted with the user's locale. */
class ScenarioMessagesTest {

    private static final ScenarioReward FIVE = ScenarioReward.of("coupon", new BigDecimal("5"));
    private static final ScenarioReward TEN = ScenarioReward.of("coupon", new BigDecimal("10.00"));
    private static final ScenarioReward FREE = ScenarioReward.of("free_delivery", null);

    private static final Map<String, Map<String, String>> MESSAGES = Map.of(
            "default", Map.of(
                    "coupon", "新人专享：{0,number,0.00}元优惠券已到账",
                    "free_delivery", "首单免配送费"),
            "en", Map.of(
                    "coupon", "{0,number,0.00} off your first order",
                    "coupon:10.00", "A whole {0,number,0.00} off: it''s yours",
                    "free_delivery", "Free delivery on your first order"),
            "en-GB", Map.of("coupon", "£{0,number,0.00} off your first order"),
            "de", Map.of(
                    "coupon", "{0,number,0.00} € Rabatt auf Ihre erste Bestellung",
                    "free_delivery", "Kostenlose Lieferung"));

    @Test
    void theAmountIsFormattedWithTheUsersLocale() {
        assertEquals("5.00 off your first order", ScenarioMessages.render(MESSAGES, "en", FIVE));
        assertEquals("5,00 € Rabatt auf Ihre erste Bestellung", ScenarioMessages.render(MESSAGES, "de-DE", FIVE),
                "German writes a decimal comma");
        assertEquals("新人专享：5.00元优惠券已到账", ScenarioMessages.render(MESSAGES, "zh-CN", FIVE));
    }

    @Test
    void theFullLocaleThenItsLanguageThenDefault() {
        assertEquals("£5.00 off your first order", ScenarioMessages.render(MESSAGES, "en-GB", FIVE));
        assertEquals("5.00 off your first order", ScenarioMessages.render(MESSAGES, "en_US", FIVE), "Java-style tag");
        assertEquals("Free delivery on your first order", ScenarioMessages.render(MESSAGES, "en-GB", FREE),
                "en-GB has no free-delivery text: its language's");
        assertEquals("新人专享：5.00元优惠券已到账", ScenarioMessages.render(MESSAGES, "fr", FIVE),
                "the default text with root symbols, not French ones (5,00)");
        assertEquals("新人专享：5.00元优惠券已到账", ScenarioMessages.render(MESSAGES, null, FIVE));
    }

    @Test
    void aRewardsOwnTemplateBeatsItsKinds() {
        assertEquals("A whole 10.00 off: it's yours", ScenarioMessages.render(MESSAGES, "en", TEN),
                "'' is a literal apostrophe");
        assertEquals("5.00 off your first order", ScenarioMessages.render(MESSAGES, "en", FIVE));
    }

    @Test
    void aRewardWithoutAmountUsesAFixedText() {
        assertEquals("首单免配送费", ScenarioMessages.render(MESSAGES, "zh", FREE));
        assertEquals("Kostenlose Lieferung", ScenarioMessages.render(MESSAGES, "de", FREE));
    }

    @Test
    void choiceFormatsCoverSimplePlurals() {
        Map<String, Map<String, String>> plural = Map.of("default",
                Map.of("bonus_money", "{0,choice,1#one coin|1<{0,number,integer} coins} for you"));
        assertEquals("one coin for you",
                ScenarioMessages.render(plural, null, ScenarioReward.of("bonus_money", BigDecimal.ONE)));
        assertEquals("3 coins for you",
                ScenarioMessages.render(plural, null, ScenarioReward.of("bonus_money", new BigDecimal("3"))));
    }

    @Test
    void theShippedDefaultTextsAreValidForEveryKind() {
        List<ScenarioReward> all = List.of(FIVE, FREE, ScenarioReward.of("bonus_money", new BigDecimal("8")),
                ScenarioReward.of("benefit_card", null), ScenarioReward.of("benefit_card", new BigDecimal("30")));
        assertEquals(List.of(), ScenarioMessages.validate(ScenarioStrategy.DEFAULT_MESSAGES, all));
        assertEquals("10.00 off your first order: the coupon is already in your account.",
                ScenarioMessages.render(ScenarioStrategy.DEFAULT_MESSAGES, "en-US", TEN));
        assertEquals("新人专享：首单免配送费，快去挑选吧！",
                ScenarioMessages.render(ScenarioStrategy.DEFAULT_MESSAGES, "zh-CN", FREE));
        assertEquals(List.of(), ScenarioMessages.validate(MESSAGES, List.of(FIVE, TEN, FREE)));
    }

    @Test
    void validationNamesEveryProblem() {
        assertEquals(List.of("messages need a 'default' locale"),
                ScenarioMessages.validate(Map.of("en", Map.of("coupon", "x")), List.of(FIVE)));

        List<String> problems = ScenarioMessages.validate(Map.of(
                "default", Map.of("coupon", "{0,number,0.00} off", "free_delivery", "{0} free delivery"),
                "en", Map.of("coupon", "{0,number,0.00} off, it's yours"),
                "de", Map.of("coupon", "{0,nonsense} Rabatt"),
                "fr", Map.of("coupon", "{0} et {1}"),
                "not a locale!", Map.of("coupon", "x")), List.of(FIVE, FREE));
        String all = String.join("\n", problems);
        assertTrue(all.contains("messages.default: the template for free_delivery mentions {0}, but that reward has no amount"), all);
        assertTrue(all.contains("messages.en.coupon: unbalanced apostrophe"), all);
        assertTrue(all.contains("messages.de.coupon: unknown format type"), all);
        assertTrue(all.contains("messages.fr.coupon: only {0} (the amount) can be used"), all);
        assertTrue(all.contains("messages.not a locale!: not a locale"), all);

        assertEquals(List.of("messages.default: no template for free_delivery (key it by 'free_delivery' or 'free_delivery')"),
                ScenarioMessages.validate(Map.of("default", Map.of("coupon", "x")), List.of(FIVE, FREE)));
    }

    @Test
    void aMessageWithoutARewardUsesTheTextTemplate() {
        Map<String, Map<String, String>> texts = Map.of(
                "default", Map.of("text", "欢迎加入！"),
                "en", Map.of("text", "Welcome, it''s good to have you"));
        assertEquals("Welcome, it's good to have you", ScenarioMessages.render(texts, "en-US", null));
        assertEquals("欢迎加入！", ScenarioMessages.render(texts, "fr", null));
        assertEquals(List.of(), ScenarioMessages.validate(texts, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ScenarioMessages.render(MESSAGES, "en", null),
                "reward templates are no text");
    }

    @Test
    void aMessageWithoutARewardNeedsATextWithoutAnAmount() {
        assertEquals(List.of("messages.default: no 'text' template (the message has no reward)"),
                ScenarioMessages.validate(Map.of("default", Map.of("coupon", "{0} off")), List.of()));
        assertEquals(List.of("messages.default.text: a message without a reward has no {0}"),
                ScenarioMessages.validate(Map.of("default", Map.of("text", "{0} for you")), List.of()));
    }

    @Test
    void aKeyThatIsNoRewardIsReported() {
        List<String> problems = ScenarioMessages.validate(Map.of("default", Map.of(
                "coupon", "{0} off", "coupon:5.00", "five off", "copuon", "typo")), List.of(FIVE));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("messages.default.copuon: not a reward kind"), problems.get(0));
    }

    @Test
    void renderingWithoutAnyTemplateFails() {
        assertThrows(IllegalArgumentException.class,
                () -> ScenarioMessages.render(Map.of("default", Map.of("coupon", "x")), "en", FREE));
    }
}
