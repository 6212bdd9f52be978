package dev.winback.local.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs suites: first their JMH classes, one JMH run per {@link JmhGroup} (so both sides of a ratio run
 * in the same run), then each suite's rows. A suite that throws becomes an error row; the others
 * still report.
 */
public final class BenchRunner {

    private final BenchSettings settings;
    private final PrintStream progress;

    /** @param progress where JMH's progress goes (stderr: stdout carries the table or JSON) */
    public BenchRunner(BenchSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run(List<BenchSuite> suites) {
        Machine machine = Machine.now();
        Map<JmhGroup, Set<Class<?>>> groups = new LinkedHashMap<>();
        for (BenchSuite suite : suites) {
            if (!suite.jmhClasses().isEmpty()) {
                groups.computeIfAbsent(suite.jmhGroup(), g -> new LinkedHashSet<>()).addAll(suite.jmhClasses());
            }
        }
        List<RunResult> results = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        groups.forEach((group, classes) -> {
            long start = System.nanoTime();
            try {
                results.addAll(new Runner(options(group, classes).build(),
                        OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL)).run());
            } catch (Exception | LinkageError e) {
                errors.put(group.name(), "the " + group.name() + " JMH run failed: " + e.getMessage());
            }
            progress.printf("# bench: JMH run '%s' took %.1f s%n", group.name(), (System.nanoTime() - start) / 1e9);
        });
        BenchRun run = new BenchRun(settings, results, errors);
        List<BenchRow> rows = new ArrayList<>();
        for (BenchSuite suite : suites) {
            long start = System.nanoTime();
            try {
                progress.println("# bench: " + suite.name());
                List<BenchRow> made = suite.rows(run);
                progress.printf("# bench: %s: %d rows in %.1f s%n", suite.name(), made.size(), (System.nanoTime() - start) / 1e9);
                if (made.isEmpty()) {
                    throw new IllegalStateException("the benchmark produced no rows");
                }
                rows.addAll(made);
            } catch (Exception | LinkageError | OutOfMemoryError e) {
                e.printStackTrace(progress);
                rows.add(BenchRow.error(suite.name(), e));
            }
        }
        return new BenchReport(machine.finished(), settings, rows);
    }

    private ChainedOptionsBuilder options(JmhGroup group, Set<Class<?>> classes) {
        ChainedOptionsBuilder builder = new OptionsBuilder().forks(settings.forks()).threads(1)
                .shouldFailOnError(false);
        classes.forEach(c -> builder.include("^" + java.util.regex.Pattern.quote(c.getName()) + "\\."));
        List<String> jvmArgs = new ArrayList<>(group.jvmArgs());
        if (Runtime.version().feature() >= 23) {
            jvmArgs.add("--sun-misc-unsafe-memory-access=allow"); // protobuf (under CEL) on JDK 24+
        }
        builder.jvmArgsAppend(jvmArgs.toArray(String[]::new));
        builder.warmupIterations(settings.quick() ? Math.min(1, group.warmups()) : group.warmups())
                .measurementIterations(settings.quick() ? Math.min(2, group.measurements()) : group.measurements());
        double seconds = settings.iterationSeconds() > 0 ? settings.iterationSeconds() : group.iterationSeconds();
        if (group.iterationSeconds() > 0) {
            TimeValue time = TimeValue.milliseconds(Math.round(seconds * 1000));
            builder.warmupTime(time).measurementTime(time);
        }
        group.params().forEach(builder::param);
        if (settings.quick()) {
            // Population sizes shrink with the settings (the tests' smoke run), other values stay.
            group.quickParams().forEach((name, value) -> builder.param(name,
                    value.matches("\\d+") ? String.valueOf(settings.pick(Integer.MAX_VALUE, Integer.parseInt(value))) : value));
        }
        return builder;
    }
}
