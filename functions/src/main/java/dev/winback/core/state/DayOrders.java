package dev.winback.core.state;

import java.math.BigDecimal;

/** Orders placed on one day (policy time zone): count and spend, for the 30/90-day segment windows. */
public record DayOrders(int count, BigDecimal spend) {

    public DayOrders add(BigDecimal amount) {
        return new DayOrders(count + 1, spend.add(amount));
    }
}
