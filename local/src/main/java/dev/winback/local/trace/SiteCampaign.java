package dev.winback.local.trace;

import java.util.List;

/**
 * One planned {@code site_campaign} (D2): a site wants to buy ({@code purchase}, for suppliers) or
 * sell ({@code sale}, for buyers) some categories and materials at the listed prices. {@code radiusKm}
 * is the campaign's reach; {@link #explicitRadius} says whether the event states it or leaves the
 * default (50 km).
 */
record SiteCampaign(String campaignId, long at, String kind, Site site, double radiusKm, boolean explicitRadius,
                    List<String> categories, List<String> materials, List<PriceRow> prices, String priceDate) {

    /** A price line: yuan per tonne and the change since the last list (negative: 跌, positive: 涨). */
    record PriceRow(String material, long yuan, long change) {
    }

    /** The role a campaign of this kind is for. */
    String targetRole() {
        return kind.equals("purchase") ? "supplier" : "buyer";
    }

    long priceOf(String material) {
        for (PriceRow row : prices) {
            if (row.material().equals(material)) {
                return row.yuan();
            }
        }
        return TradeGoods.basePrice(material);
    }

    /** The campaign's own fields, as the event carries them. */
    String fields() {
        Fields f = new Fields()
                .text("campaignId", campaignId).text("kind", kind).text("siteId", site.siteId())
                .text("siteName", site.name()).number("lat", site.latE6(), 6).number("lon", site.lonE6(), 6);
        if (explicitRadius) {
            f.number("radiusKm", Math.round(radiusKm), 0);
        }
        f.texts("categories", categories).texts("materials", materials);
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < prices.size(); i++) {
            PriceRow row = prices.get(i);
            list.append(i == 0 ? "" : ",").append(new Fields().text("material", row.material())
                    .number("price", row.yuan(), 0).number("change", row.change(), 0).buildObject());
        }
        return f.raw("prices", list.append(']').toString())
                .text("link", "https://example.com/c/" + campaignId)
                .text("priceDate", priceDate).text("locale", "zh-CN").build();
    }
}
