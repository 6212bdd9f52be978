package dev.winback.local.bench;

import java.util.List;

/**
 * A benchmark behind {@code winback bench}: a name ({@code --only NAME}), the JMH classes it needs and
 * the rows it makes from their results (or from its own timing). Every suite's JMH classes of the same
 * {@link JmhGroup} run in one JMH run, so a ratio's two sides are measured side by side.
 *
 * <p>Adding a benchmark is one line in {@link Benchmarks#all()}, e.g. for a class with a static method
 * {@code List<BenchRow> rows(BenchRun run)}:
 * <pre>{@code
 *   BenchSuite.of("cold-start", ColdStartBench::rows),
 *   BenchSuite.jmh("simulate", List.of(SimulateBenchmark.class), SimulateBench::rows),
 * }</pre>
 */
public interface BenchSuite {

    /** The name {@code --only} selects and every row carries. */
    String name();

    /** JMH benchmark classes to include in the run (empty: the suite times itself). */
    default List<Class<?>> jmhClasses() {
        return List.of();
    }

    /** Which JMH run the classes join: suites needing other JVM flags or iteration settings name their own. */
    default JmhGroup jmhGroup() {
        return JmhGroup.SHARED;
    }

    /** The rows, from the JMH results in {@code run} and/or measurements of its own. */
    List<BenchRow> rows(BenchRun run) throws Exception;

    /** Produces rows from a run. */
    @FunctionalInterface
    interface Rows {
        List<BenchRow> rows(BenchRun run) throws Exception;
    }

    /** A suite that measures by itself (no JMH). */
    static BenchSuite of(String name, Rows rows) {
        return jmh(name, List.of(), JmhGroup.SHARED, rows);
    }

    /** A suite whose JMH classes run in the shared JMH run. */
    static BenchSuite jmh(String name, List<Class<?>> classes, Rows rows) {
        return jmh(name, classes, JmhGroup.SHARED, rows);
    }

    static BenchSuite jmh(String name, List<Class<?>> classes, JmhGroup group, Rows rows) {
        return new BenchSuite() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Class<?>> jmhClasses() {
                return classes;
            }

            @Override
            public JmhGroup jmhGroup() {
                return group;
            }

            @Override
            public List<BenchRow> rows(BenchRun run) throws Exception {
                return rows.rows(run);
            }
        };
    }
}
