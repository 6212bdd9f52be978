package dev.winback.local.bench;

import java.util.List;
import java.util.Map;

/**
 * The settings of one JMH run. Suites in the same group share it (their benchmarks run one after the
 * other in the same run, under the same load). {@code params} override {@code @Param} values, e.g. a
 * smaller population in {@code --quick} mode.
 *
 * @param iterationSeconds seconds per warm-up and measurement iteration; 0 for single-shot benchmarks
 */
public record JmhGroup(String name, List<String> jvmArgs, int warmups, int measurements, double iterationSeconds,
                       Map<String, String> params, Map<String, String> quickParams) {

    /** Throughput and latency benchmarks: 1 fork, 3 x 3 s warm-up, 5 x 3 s measurement. */
    public static final JmhGroup SHARED = new JmhGroup("shared", List.of(), 3, 5, 3, Map.of(), Map.of());
}
