package dev.winback.core.recall;

import java.math.BigDecimal;
import java.util.Map;

/** The recall message in the user's language: the policy's text for their locale, amount filled in. */
public final class MessageText {

    private MessageText() {
    }

    /** Tries the full locale ({@code zh-CN}), then its language ({@code zh}), then {@code default}. */
    public static String render(Map<String, String> texts, String locale, BigDecimal amount) {
        String template = null;
        if (locale != null) {
            locale = locale.replace('_', '-'); // Android and Java write zh_CN
            template = texts.get(locale);
            int dash = locale.indexOf('-');
            if (template == null && dash > 0) {
                template = texts.get(locale.substring(0, dash));
            }
        }
        if (template == null) {
            template = texts.get("default");
        }
        return template.replace("{amount}", amount.toPlainString());
    }
}
