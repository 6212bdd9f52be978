package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.math.BigDecimal;

/** Orders placed on one day (policy time zone): count and spend, for the 30/90-day segment windows. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record DayOrders(int count, BigDecimal spend) {

    public DayOrders add(BigDecimal amount) {
        return new DayOrders(count + 1, spend.add(amount));
    }
}
