package dev.winback.adapters;

import dev.winback.core.scenario.RewardBandit;
import dev.winback.core.scenario.RewardChoices;
import dev.winback.core.scenario.RewardStats;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bandit's counters and the pinned choices for laptop runs and tests, with the DynamoDB adapters'
 * rules: increments never lost under concurrency, the first pinned choice of a decision wins.
 */
public final class InMemoryRewardStats implements RewardStats, RewardChoices {

    private final Map<String, Map<String, Counts>> counts = new HashMap<>();
    private final Map<String, RewardBandit.Choice> pinned = new HashMap<>();

    @Override
    public synchronized Map<String, Counts> counts(String scenario) {
        return new LinkedHashMap<>(counts.getOrDefault(scenario, Map.of()));
    }

    @Override
    public synchronized void recordSend(String scenario, String rewardKey) {
        counts.computeIfAbsent(scenario, s -> new LinkedHashMap<>())
                .merge(rewardKey, new Counts(1, 0), (a, b) -> new Counts(a.sends() + 1, a.conversions()));
    }

    @Override
    public synchronized void recordConversion(String scenario, String rewardKey) {
        counts.computeIfAbsent(scenario, s -> new LinkedHashMap<>())
                .merge(rewardKey, new Counts(0, 1), (a, b) -> new Counts(a.sends(), a.conversions() + 1));
    }

    @Override
    public synchronized RewardBandit.Choice pin(String decisionId, RewardBandit.Choice proposed) {
        return pinned.computeIfAbsent(decisionId, id -> proposed);
    }
}
