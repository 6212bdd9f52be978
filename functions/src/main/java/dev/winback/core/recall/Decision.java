package dev.winback.core.recall;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a trigger decided for one user, as recorded in the decision log and {@code decisions.jsonl}.
 *
 * @param decisionId derived from the cause, so a retried trigger finds its earlier decision
 * @param trigger    {@code deadline} or {@code churn} (later: {@code dormant}, {@code scenario:…})
 * @param reasons    why, in words such as {@code intent_low}, {@code value_high}, {@code quiet_hours}
 * @param details    the figures behind the reasons (cart value, pages, score, pressure, …)
 */
public record Decision(String decisionId, String userId, String trigger, Instant at, Outcome outcome,
                       List<String> reasons, Reward coupon, List<String> channels, Map<String, Object> details) {

    public enum Outcome {
        SENT, SUPPRESSED, NOT_NEEDED;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** A reward granted to the user: {@code {"amount": 6.00, "kind": "coupon"}}. */
    public record Reward(BigDecimal amount, String kind) {
    }
}
