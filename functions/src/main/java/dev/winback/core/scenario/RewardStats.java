package dev.winback.core.scenario;

import java.util.Map;

/**
 * Port: what each candidate reward of a scenario achieved so far, the evidence the bandit learns from
 * (C4). Atomic counters in AWS (DynamoDB {@code ADD}), so concurrent decisions never lose a count.
 * Callers make each count at most once per decision (a send claim in the send ledger); the counters
 * themselves are plain increments.
 */
public interface RewardStats {

    /** Sends and conversions so far of one reward in one scenario. */
    record Counts(long sends, long conversions) {

        public static final Counts NONE = new Counts(0, 0);

        public Counts {
            if (sends < 0 || conversions < 0) {
                throw new IllegalArgumentException("counts cannot be negative: " + sends + "/" + conversions);
            }
        }
    }

    /** @return reward key ({@link ScenarioReward#key()}) → counts; rewards never sent are absent */
    Map<String, Counts> counts(String scenario);

    /** One more message went out carrying {@code rewardKey}. */
    void recordSend(String scenario, String rewardKey);

    /** One more of those messages was followed by an attributed order. */
    void recordConversion(String scenario, String rewardKey);
}
