package dev.winback.core.conversion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * C7: an order attributed to a touch (a real one, or a holdout user's would-have-been touch).
 *
 * @param landingPage the first page the user entered at or after the touch and at or before the order
 *                    (where the message brought them, the "offer page"); null when no page was entered
 *                    in between (e.g. the order came from another device or the trace has no page events)
 * @param landingAt   when that page was entered; null with {@code landingPage}
 */
public record Conversion(Touch touch, Order order, String landingPage, Instant landingAt) {

    public Conversion {
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(order, "order");
        if (!touch.userId().equals(order.userId())) {
            throw new IllegalArgumentException("touch and order belong to different users");
        }
    }

    /** Time from the touch to the order. */
    public Duration timeToOrder() {
        return Duration.between(touch.at(), order.at());
    }

    /** {@link #timeToOrder()} in minutes, two decimals. */
    public BigDecimal minutesToOrder() {
        return BigDecimal.valueOf(timeToOrder().toMillis()).divide(BigDecimal.valueOf(60_000), 2, RoundingMode.HALF_UP);
    }

    /**
     * Dwell time on the offer page: from entering the landing page to placing the order, i.e. how long
     * the user took from arriving through the message to ordering. Null without a landing page.
     */
    public Duration dwell() {
        return landingAt == null ? null : Duration.between(landingAt, order.at());
    }
}
