package dev.winback.core.recall;

import java.math.BigDecimal;
import java.time.Instant;

/** Port: tells the wallet service downstream that a coupon was issued (the SNS coupons topic). */
public interface CouponPublisher {

    void publish(String couponId, String decisionId, String userId, BigDecimal amount, String kind, Instant at);
}
