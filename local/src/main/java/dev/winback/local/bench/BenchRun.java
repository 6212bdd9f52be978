package dev.winback.local.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * What a suite gets to make its rows: the settings, and the results of every JMH run of this
 * invocation (a JMH run that failed leaves its error, which a lookup then reports).
 */
public final class BenchRun {

    private final BenchSettings settings;
    private final List<RunResult> results = new ArrayList<>();
    private final Map<String, String> groupErrors;

    public BenchRun(BenchSettings settings, Collection<RunResult> results, Map<String, String> groupErrors) {
        this.settings = settings;
        this.results.addAll(results);
        this.groupErrors = Map.copyOf(groupErrors);
    }

    public BenchSettings settings() {
        return settings;
    }

    public boolean quick() {
        return settings.quick();
    }

    /**
     * The result of {@code benchmark.method} with the given {@code @Param} values ("name=value").
     *
     * @throws IllegalStateException naming the benchmark when JMH has no such result (it failed: see
     *                               JMH's output on stderr)
     */
    public RunResult jmh(Class<?> benchmark, String method, String... params) {
        String name = benchmark.getName() + "." + method;
        return results.stream().filter(r -> r.getParams().getBenchmark().equals(name) && hasParams(r, params))
                .findFirst().orElseThrow(() -> new IllegalStateException("no JMH result for " + benchmark.getSimpleName()
                        + "." + method + (params.length == 0 ? "" : " " + String.join(",", params))
                        + (groupErrors.isEmpty() ? " (the benchmark failed: see JMH's output on stderr)"
                        : " (JMH: " + String.join("; ", groupErrors.values()) + ")")));
    }

    /** The primary score (mean) of a JMH result. */
    public double score(Class<?> benchmark, String method, String... params) {
        return jmh(benchmark, method, params).getPrimaryResult().getScore();
    }

    private static boolean hasParams(RunResult result, String[] params) {
        for (String param : params) {
            int eq = param.indexOf('=');
            if (!param.substring(eq + 1).equals(result.getParams().getParam(param.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }
}
