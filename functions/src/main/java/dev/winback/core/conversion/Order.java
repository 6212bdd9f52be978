package dev.winback.core.conversion;

import dev.winback.core.event.BehaviorEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * C7: an {@code order_placed} event as attribution sees it.
 *
 * @param amount   the order's amount as the producer reports it (the revenue figure)
 * @param discount the discount on the order; zero when the event has none
 */
public record Order(String userId, String orderId, Instant at, BigDecimal amount, BigDecimal discount,
                    String couponId, String merchantId, String address) {

    public Order {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(amount, "amount");
        discount = discount == null ? BigDecimal.ZERO : discount;
    }

    public static Order of(BehaviorEvent.OrderPlaced e) {
        return new Order(e.envelope().userId(), e.orderId(), e.occurredAt(), e.amount(), e.discount(), e.couponId(),
                e.merchantId(), e.address());
    }
}
