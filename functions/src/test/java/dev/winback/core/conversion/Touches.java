package dev.winback.core.conversion;

import dev.winback.core.recall.Decision;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decisions, touches and orders for the conversion tests. */
final class Touches {

    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

    private Touches() {
    }

    static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    static Decision sent(String id, String user, String trigger, Instant at, String channel, String coupon) {
        return new Decision(id, user, trigger, at, Decision.Outcome.SENT, List.of("intent_low"),
                coupon == null ? null : new Decision.Reward(new BigDecimal(coupon), "coupon"), List.of(channel),
                details("decidedAt", at.toString()));
    }

    static Decision heldOut(String id, String user, String trigger, Instant at) {
        return new Decision(id, user, trigger, at, Decision.Outcome.SUPPRESSED, List.of("intent_low", "holdout"), null,
                List.of(), details("decidedAt", at.toString()));
    }

    static Touch touch(String id, String user, Instant at) {
        return Touch.of(sent(id, user, "deadline", at, "push", "5.00")).orElseThrow();
    }

    static Touch holdout(String id, String user, Instant at) {
        return Touch.of(heldOut(id, user, "deadline", at)).orElseThrow();
    }

    static Order order(String id, String user, Instant at, String amount, String discount) {
        return new Order(user, id, at, new BigDecimal(amount), discount == null ? null : new BigDecimal(discount), null,
                "m-17", "1 Example Road");
    }

    static Map<String, Object> details(Object... keysAndValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            details.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return details;
    }
}
