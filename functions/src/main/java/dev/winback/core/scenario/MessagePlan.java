package dev.winback.core.scenario;

import java.util.List;
import java.util.Map;

/**
 * What one scheduled message is, whichever strategy planned it (a scenario, a journey step): the part
 * {@link MessagePipeline} needs to take it through the final filter and out.
 *
 * @param holdoutGroup     what the holdout draw hashes with the user id: {@code scenario:<name>}, or
 *                         {@code journey:<name>} so that a journey's control group is the same at every step
 * @param holdout          the share of eligible users held back in that group
 * @param statsKey         the bandit's counters ({@link RewardStats}): the scenario's name, or the
 *                         step's trigger {@code journey:<name>:<step>}
 * @param reasons          the decision's reasons before the filter's own ({@code new_no_order}, {@code onboarding})
 * @param rewards          the bandit's candidates; empty for a message without a reward
 * @param messages         locale → reward kind / key ({@code text} without a reward) → template
 */
record MessagePlan(String holdoutGroup, double holdout, String statsKey, List<String> reasons,
                   List<ScenarioReward> rewards, List<String> channels, Map<String, Map<String, String>> messages,
                   double explorationFloor) {

    MessagePlan {
        reasons = List.copyOf(reasons);
        rewards = List.copyOf(rewards);
        channels = List.copyOf(channels);
    }

    /** The counters a decision of this trigger teaches: null for triggers without a bandit. */
    static String statsKeyOf(String trigger) {
        if (trigger.startsWith(ScenarioStrategy.TRIGGER_PREFIX)) {
            return trigger.substring(ScenarioStrategy.TRIGGER_PREFIX.length());
        }
        return trigger.startsWith(Journey.TRIGGER_PREFIX) ? trigger : null;
    }
}
