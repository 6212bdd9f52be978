package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** D6: the SPEC's message exactly, the change rules, and locale templates. */
class CampaignMessageTest {

    private static final List<PriceItem> SPEC_PRICES = List.of(new PriceItem("重废一", "3200", "-30"),
            new PriceItem("钢筋切粒", "2830", "40"));

    @Test
    void theSpecExample() {
        assertEquals("10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/p/1023",
                CampaignMessage.render(CampaignMessage.DEFAULT_TEMPLATES, Entries.purchase("c", 30)));
    }

    @Test
    void unchangedPricesHaveNoChangeTextAndAmountsArePlain() {
        List<PriceItem> prices = List.of(new PriceItem("重废一", "3200.00", "0"), new PriceItem("钢筋切粒", "2830.50", null),
                new PriceItem("废铜", "52000", "-1.50"), new PriceItem("废纸", "1800", "10.0"));
        assertEquals("1月5日站:重废一3200、钢筋切粒2830.5、废铜52000跌1.5、废纸1800涨10,详见:l",
                CampaignMessage.render(CampaignTemplate.CHINESE, LocalDate.of(2026, 1, 5), "站", prices, "l"));
        assertEquals("0", CampaignMessage.plain(new java.math.BigDecimal("0.00")));
    }

    @Test
    void englishAndLocaleLookup() {
        Campaign campaign = new Campaign("c", CampaignKind.PURCHASE, new Site("s", "Benxi Depot", 41, 123),
                List.of("steel"), List.of(), List.of(new PriceItem("heavy scrap", "3200", "-30"),
                new PriceItem("rebar", "2830", "40"), new PriceItem("turnings", "2100", "0")),
                "https://example.com/p", 30, LocalDate.of(2026, 10, 23), Entries.NOW, "en-GB");
        assertEquals("10/23 Benxi Depot: heavy scrap 3200 down 30, rebar 2830 up 40, turnings 2100. Details: https://example.com/p",
                CampaignMessage.render(CampaignMessage.DEFAULT_TEMPLATES, campaign));

        CampaignTemplate custom = new CampaignTemplate("{site} {prices}", "{material}={price}{change}", "↑{amount}",
                "↓{amount}", "; ");
        Map<String, CampaignTemplate> templates = Map.of("default", CampaignTemplate.CHINESE, "zh-TW", custom);
        assertEquals(custom, CampaignMessage.template(templates, "zh_TW"));
        assertEquals(CampaignTemplate.CHINESE, CampaignMessage.template(templates, "zh-CN"));
        assertEquals(CampaignTemplate.CHINESE, CampaignMessage.template(templates, null));
        assertEquals("S a=1↑2; b=3↓4", CampaignMessage.render(custom, LocalDate.of(2026, 1, 1), "S",
                List.of(new PriceItem("a", "1", "2"), new PriceItem("b", "3", "-4")), "l"));
        assertThrows(IllegalArgumentException.class, () -> CampaignMessage.template(Map.of("en", custom), "fr"));
    }

    @Test
    void placeholdersAreFilledOnceAndUnknownOnesStay() {
        assertEquals("{x} a{link}b", CampaignMessage.fill("{x} {site}", Map.of("site", "a{link}b", "link", "L")));
        assertEquals("{unclosed", CampaignMessage.fill("{unclosed", Map.of()));
    }
}
