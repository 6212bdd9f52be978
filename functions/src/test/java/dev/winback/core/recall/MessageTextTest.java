package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winback.testing.Policies;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recall message in the user's language with the coupon amount filled in. */
class MessageTextTest {

    private static final Map<String, String> TEXTS = Map.of(
            "default", "D {amount}",
            "zh", "ZH {amount}",
            "zh-CN", "ZH-CN {amount}",
            "en", "EN {amount}");
    private static final BigDecimal AMOUNT = new BigDecimal("6.80");

    @Test
    void fullLocaleFirst() {
        assertEquals("ZH-CN 6.80", MessageText.render(TEXTS, "zh-CN", AMOUNT));
    }

    @Test
    void thenTheLanguage() {
        assertEquals("ZH 6.80", MessageText.render(TEXTS, "zh-TW", AMOUNT));
        assertEquals("ZH 6.80", MessageText.render(TEXTS, "zh", AMOUNT));
        assertEquals("EN 6.80", MessageText.render(TEXTS, "en-US", AMOUNT));
    }

    @Test
    void thenTheDefault() {
        assertEquals("D 6.80", MessageText.render(TEXTS, "fr-FR", AMOUNT));
        assertEquals("D 6.80", MessageText.render(TEXTS, "fr", AMOUNT));
        assertEquals("D 6.80", MessageText.render(TEXTS, null, AMOUNT));
        assertEquals("D 6.80", MessageText.render(TEXTS, "", AMOUNT));
    }

    @Test
    void theAmountIsFilledInPlainWithItsCents() {
        assertEquals("D 20.00", MessageText.render(TEXTS, null, new BigDecimal("20.00")));
        assertEquals("D 3.20", MessageText.render(TEXTS, null, new BigDecimal("3.20")));
        assertEquals("D 1000.00", MessageText.render(TEXTS, null, new BigDecimal("1.00000E+3").setScale(2)));
        assertEquals("a 5.00 b 5.00", MessageText.render(Map.of("default", "a {amount} b {amount}"), null,
                new BigDecimal("5.00")));
    }

    @Test
    void theShippedTexts() {
        Map<String, String> texts = Policies.DEFAULTS.recall().messages();
        assertEquals("您有一张6.80元优惠券已到账，完成下单即可使用。", MessageText.render(texts, "zh-CN", AMOUNT));
        assertEquals("A 6.80 coupon is waiting in your account: finish your order to use it.",
                MessageText.render(texts, "en-GB", AMOUNT));
    }

    @Test
    void underscoreLocalesAreUnderstood() {
        assertEquals("ZH-CN 6.80", MessageText.render(TEXTS, "zh_CN", AMOUNT));
    }
}
