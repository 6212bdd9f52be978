package dev.winback.core.geo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Renders a campaign's message (D6) from a locale's {@link CampaignTemplate}. With the default
 * template a purchase by 辽宁吉和源本溪溪湖中心基地 on 23 October reads
 * {@code 10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://…}.
 *
 * <p>Rules: prices and changes are written as plain decimals without trailing zeros ({@code 3200.00}
 * → {@code 3200}, {@code 2.50} → {@code 2.5}); a positive change uses the template's {@code up} text, a
 * negative one its {@code down} text with the absolute amount, and an unchanged price (change zero or
 * absent) has no change text at all. Price lines keep the campaign's order. Placeholders are filled in
 * one pass, so a site name or link containing {@code {…}} is written as is; an unknown placeholder
 * stays in the text (a typo shows in the preview rather than vanishing).
 *
 * <p>Locale lookup, as for recall messages: the full locale ({@code zh-CN}), then its language
 * ({@code zh}), then {@code default}.
 */
public final class CampaignMessage {

    /** The shipped templates: Chinese as the default, English for {@code en}. */
    public static final Map<String, CampaignTemplate> DEFAULT_TEMPLATES = Map.of(
            "default", CampaignTemplate.CHINESE, "en", CampaignTemplate.ENGLISH);

    private CampaignMessage() {
    }

    /** The shipped templates, with the locales the policy's {@code geo.messages} sets replaced. */
    public static Map<String, CampaignTemplate> templates(dev.winback.core.policy.Policy.Geo geo) {
        Map<String, CampaignTemplate> all = new java.util.HashMap<>(DEFAULT_TEMPLATES);
        geo.messages().forEach((locale, t) -> all.put(locale,
                new CampaignTemplate(t.text(), t.item(), t.up(), t.down(), t.separator())));
        return Map.copyOf(all);
    }

    /** The campaign's message in its locale, from {@code templates} (which must hold {@code default}). */
    public static String render(Map<String, CampaignTemplate> templates, Campaign campaign) {
        return render(template(templates, campaign.locale()), campaign.priceDate(), campaign.site().name(),
                campaign.prices(), campaign.link());
    }

    /** The message for the given parts. */
    public static String render(CampaignTemplate template, LocalDate date, String site, List<PriceItem> prices,
                                String link) {
        StringBuilder lines = new StringBuilder();
        for (PriceItem item : prices) {
            if (!lines.isEmpty()) {
                lines.append(template.separator());
            }
            String change = "";
            if (item.change() != null && item.change().signum() != 0) {
                change = fill(item.change().signum() > 0 ? template.up() : template.down(),
                        Map.of("amount", plain(item.change().abs())));
            }
            lines.append(fill(template.item(), Map.of("material", item.material(), "price", plain(item.price()),
                    "change", change)));
        }
        return fill(template.text(), Map.of("month", Integer.toString(date.getMonthValue()),
                "day", Integer.toString(date.getDayOfMonth()), "site", site, "prices", lines.toString(),
                "link", link == null ? "" : link));
    }

    /** The template for {@code locale}: full locale, then language, then {@code default}. */
    public static CampaignTemplate template(Map<String, CampaignTemplate> templates, String locale) {
        CampaignTemplate template = null;
        if (locale != null && !locale.isBlank()) {
            String tag = locale.replace('_', '-');
            template = templates.get(tag);
            int dash = tag.indexOf('-');
            if (template == null && dash > 0) {
                template = templates.get(tag.substring(0, dash));
            }
        }
        if (template == null) {
            template = templates.get("default");
        }
        if (template == null) {
            throw new IllegalArgumentException("campaign templates need a 'default' entry");
        }
        return template;
    }

    static String plain(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /** Replaces each known {@code {name}} in one left-to-right pass. */
    static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i + 1);
                if (close > i) {
                    String value = values.get(template.substring(i + 1, close));
                    if (value != null) {
                        out.append(value);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }
}
