package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.math.BigDecimal;

/** One line of the cart: the latest unit price seen for the item and the quantity held. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record CartLine(String itemId, BigDecimal price, int quantity, String merchantId) {

    public BigDecimal value() {
        return price.multiply(BigDecimal.valueOf(quantity));
    }
}
