package dev.winback.core.scenario;

import dev.winback.core.recall.Decision;
import dev.winback.core.recall.SendLedger;
import java.util.Map;

/**
 * C4 feedback: an order attributed (C7, last touch within the window) to a scenario message (or a
 * journey step's message with a reward) counts one conversion for the reward that message carried. Called by whatever attributes orders online
 * (the conversion consumer) with the touch the order was attributed to.
 *
 * <p>A decision converts at most once however many orders follow it (the bandit's rate is converted
 * sends / sends, as the reports' conversion rate), and a redelivered order counts nothing twice: the
 * count is claimed per decision in the send ledger before the counter moves.
 */
public final class ScenarioConversions {

    private ScenarioConversions() {
    }

    /** @return true when this call counted the conversion */
    public static boolean record(Decision touch, SendLedger sends, RewardStats stats) {
        String statsKey = MessagePlan.statsKeyOf(touch.trigger());
        if (touch.outcome() != Decision.Outcome.SENT || statsKey == null) {
            return false; // holdout users and other triggers teach the bandit nothing
        }
        String reward = rewardKey(touch);
        if (reward == null) {
            return false; // a message without a reward
        }
        if (!sends.claim(touch.decisionId(), ScenarioCheck.CONVERSION_COUNTED)) {
            return false;
        }
        try {
            stats.recordConversion(statsKey, reward);
            return true;
        } catch (RuntimeException e) {
            sends.release(touch.decisionId(), ScenarioCheck.CONVERSION_COUNTED);
            throw e;
        }
    }

    /** {@code details.reward.id} as ScenarioCheck records it. */
    static String rewardKey(Decision decision) {
        Object reward = decision.details() == null ? null : decision.details().get("reward");
        if (reward instanceof Map<?, ?> map && map.get("id") instanceof String id && !id.isBlank()) {
            return id;
        }
        return null;
    }
}
