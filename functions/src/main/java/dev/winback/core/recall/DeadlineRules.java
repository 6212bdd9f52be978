package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.UserState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A3–A7 at a deadline: is the user's order intent low, is the cart's value high, does the policy's
 * combination (or the churn score) call for a recall, and do service resources allow one. Pure.
 */
public final class DeadlineRules {

    private DeadlineRules() {
    }

    /** The verdict before the final filter: needed or not, blocked by the gate or not, and why. */
    public record Verdict(boolean needed, String trigger, String blockedBy, List<String> reasons,
                          Map<String, Object> details) {
    }

    public static Verdict evaluate(Timer timer, UserState user, OpsState zone, OpsState merchant, Policy policy) {
        Policy.Recall recall = policy.recall();
        List<String> reasons = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        BigDecimal cartValue = user.cartValue();
        int pages = user.session.pagesViewed;
        int pagesNeeded = pagesThenLeft(user, policy);
        details.put("page", timer.page());
        details.put("timerSeconds", Duration.between(timer.enteredAt(), timer.dueAt()).toSeconds());
        details.put("cartValue", cartValue.setScale(2, java.math.RoundingMode.HALF_UP));
        details.put("pagesViewed", pages);
        details.put("pagesThenLeft", pagesNeeded);
        details.put("leftApp", user.session.leftApp);

        // A3: (a) still in the app without ordering since the timer started (an order cancels the
        // timer, so a current timer means no order); (b) viewed >= N pages, then left without ordering.
        boolean intentLow = !user.session.leftApp || pages >= pagesNeeded;
        boolean valueHigh = cartValue.compareTo(recall.highCartValue()) >= 0;
        reasons.add(intentLow ? "intent_low" : "intent_not_low");
        reasons.add(valueHigh ? "value_high" : "value_not_high");

        boolean needed = switch (recall.combination()) {
            case OR -> intentLow || valueHigh;
            case AND -> intentLow && valueHigh;
            case INTENT_ONLY -> intentLow;
            case VALUE_ONLY -> valueHigh;
        };
        String trigger = "deadline";
        if (recall.churnModel().enabled()) {
            double score = ChurnScore.score(timer, user, recall.churnModel());
            details.put("churnScore", Math.round(score * 1000) / 1000.0);
            if (!needed && score >= recall.churnModel().threshold()) {
                needed = true;
                trigger = "churn"; // A6: the model fired where the rules did not
                reasons.add("churn_score");
            }
        }
        if (!needed) {
            return new Verdict(false, trigger, null, reasons, details);
        }
        return new Verdict(true, trigger, resourceGate(zone, merchant, policy, details), reasons, details);
    }

    /** A3b: the user's own average pages per converting session once known, else the policy's N. */
    static int pagesThenLeft(UserState user, Policy policy) {
        if (user.pagesPerConvertingSession.count() == 0) {
            return policy.recall().pagesThenLeft();
        }
        return (int) Math.max(1, Math.round(user.pagesPerConvertingSession.average()));
    }

    /** A7: a loaded zone or a merchant short of supply blocks the recall; unknown counts as fine. */
    private static String resourceGate(OpsState zone, OpsState merchant, Policy policy, Map<String, Object> details) {
        Policy.ResourceGate gate = policy.recall().resourceGate();
        if (zone != null && zone.deliveryPressure != null) {
            details.put("deliveryPressure", zone.deliveryPressure);
            if (zone.deliveryPressure >= gate.maxDeliveryPressure()) {
                return "delivery_pressure";
            }
        }
        if (merchant != null && merchant.supply != null) {
            details.put("merchantSupply", merchant.supply);
            if (!merchant.supply.equals(gate.requiredSupply())) {
                return "merchant_supply";
            }
        }
        return null;
    }
}
