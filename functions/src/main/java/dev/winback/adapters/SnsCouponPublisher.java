package dev.winback.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.recall.CouponPublisher;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Issued coupons to the SNS {@code coupons} topic, for the wallet service to credit:
 * {@code {"couponId":"cp-…","decisionId":"…","userId":"…","amount":6.00,"kind":"coupon","issuedAt":"…"}}
 * with the message attribute {@code eventType = coupon_issued} (subscribers filter on it). A retried
 * decision may publish the same coupon again; the wallet dedupes by {@code couponId}, which is
 * derived from the decision. SNS errors propagate so the caller retries.
 */
public final class SnsCouponPublisher implements CouponPublisher {

    static final String EVENT_TYPE = "coupon_issued";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String couponsTopicArn;

    public SnsCouponPublisher(SnsClient sns, String couponsTopicArn) {
        this.sns = sns;
        this.couponsTopicArn = couponsTopicArn;
    }

    @Override
    public void publish(String couponId, String decisionId, String userId, BigDecimal amount, String kind, Instant at) {
        ObjectNode body = JSON.createObjectNode();
        body.put("couponId", couponId);
        body.put("decisionId", decisionId);
        body.put("userId", userId);
        body.put("amount", amount);
        body.put("kind", kind);
        body.put("issuedAt", at.toString());
        sns.publish(b -> b.topicArn(couponsTopicArn).message(body.toString())
                .messageAttributes(Map.of("eventType",
                        MessageAttributeValue.builder().dataType("String").stringValue(EVENT_TYPE).build())));
    }
}
