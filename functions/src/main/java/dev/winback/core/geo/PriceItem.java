package dev.winback.core.geo;

import java.math.BigDecimal;

/**
 * One line of a campaign's price list (D2): a material, today's price and the change since the last
 * list (positive: up, negative: down, zero or null: unchanged). Amounts are in the site's currency
 * and unit, as the site quotes them.
 */
public record PriceItem(String material, BigDecimal price, BigDecimal change) {

    public PriceItem {
        if (material == null || material.isBlank()) {
            throw new IllegalArgumentException("a price item needs a material");
        }
        if (price == null || price.signum() < 0) {
            throw new IllegalArgumentException("price of " + material + " must be ≥ 0");
        }
    }

    public PriceItem(String material, String price, String change) {
        this(material, new BigDecimal(price), change == null ? null : new BigDecimal(change));
    }
}
