package dev.winback.local;

import dev.winback.core.recall.Decision;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's decisions counted by trigger kind ({@link SimulationSummary#triggerKind}) and outcome (wire
 * name), both in name order: what the summary, the demo and the backtest print, without holding the
 * decisions themselves.
 */
public record DecisionCounts(Map<String, Map<String, Integer>> byKind) {

    static DecisionCounts empty() {
        return new DecisionCounts(new TreeMap<>());
    }

    static DecisionCounts of(List<Decision> decisions) {
        DecisionCounts counts = empty();
        decisions.forEach(d -> counts.add(d.trigger(), d.outcome().wireName()));
        return counts;
    }

    void add(String trigger, String outcome) {
        byKind.computeIfAbsent(SimulationSummary.triggerKind(trigger), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    public int total() {
        return byKind.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    /** Decisions per outcome; outcomes that never happened are absent. */
    public Map<String, Integer> byOutcome() {
        Map<String, Integer> counts = new TreeMap<>();
        byKind.values().forEach(m -> m.forEach((outcome, n) -> counts.merge(outcome, n, Integer::sum)));
        return counts;
    }
}
