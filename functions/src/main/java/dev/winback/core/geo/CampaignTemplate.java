package dev.winback.core.geo;

/**
 * How a campaign message is written in one locale (D6).
 *
 * @param text      the whole message; placeholders {@code {month}}, {@code {day}} (of the price date,
 *                  without leading zeros), {@code {site}}, {@code {prices}}, {@code {link}}
 * @param item      one price line; placeholders {@code {material}}, {@code {price}}, {@code {change}}
 * @param up        the change text of a rise; placeholder {@code {amount}} (the absolute change)
 * @param down      the change text of a fall; placeholder {@code {amount}}
 * @param separator between price lines
 */
public record CampaignTemplate(String text, String item, String up, String down, String separator) {

    /** The SPEC's default: {@code 10月23日某基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://…}. */
    public static final CampaignTemplate CHINESE = new CampaignTemplate(
            "{month}月{day}日{site}:{prices},详见:{link}", "{material}{price}{change}", "涨{amount}", "跌{amount}", "、");

    /** English: {@code 10/23 Some Depot: heavy scrap 3200 down 30, rebar 2830 up 40. Details: https://…}. */
    public static final CampaignTemplate ENGLISH = new CampaignTemplate(
            "{month}/{day} {site}: {prices}. Details: {link}", "{material} {price}{change}", " up {amount}",
            " down {amount}", ", ");

    public CampaignTemplate {
        if (text == null || item == null || up == null || down == null || separator == null) {
            throw new IllegalArgumentException("a campaign template needs text, item, up, down and separator");
        }
    }
}
