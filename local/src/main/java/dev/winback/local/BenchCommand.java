package dev.winback.local;

import dev.winback.local.bench.BenchReport;
import dev.winback.local.bench.BenchRunner;
import dev.winback.local.bench.BenchSettings;
import dev.winback.local.bench.BenchSuite;
import dev.winback.local.bench.Benchmarks;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code winback bench}: every benchmark of BENCHMARKS.md ({@link Benchmarks#all()}), one table. JMH's
 * progress goes to stderr, the table (or JSON, or Markdown) to stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the benchmarks behind BENCHMARKS.md and print a table: each row's measure, what it is"
                + " compared with (a limit or the library it competes with, measured in the same run), the result,"
                + " the ratio, the goal and whether it is met; then the machine.",
                "A full run takes about 10 minutes on 2 cores and up to 6 GB of heap for the k-means benchmark."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A smoke run: short JMH runs, smaller populations (figures not for publishing).")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Run only these benchmarks (see --list).")
    List<String> only;

    @Option(names = "--geo", description = "Same as --only kmeans (1,000,000 directory users against Commons Math).")
    boolean geo;

    @Option(names = "--list", description = "List the benchmarks and exit.")
    boolean list;

    @Option(names = "--json", description = "Print the rows and the machine as JSON.")
    boolean json;

    @Option(names = "--markdown", description = "Print a Markdown table to paste into BENCHMARKS.md.")
    boolean markdown;

    @Option(names = "--cold-start", description = "Only the cold-start benchmark: every function of template.yaml in a"
            + " fresh JVM on the packaged jar against MiniStack, beside a minimal handler (5 rounds; --quick: 1).")
    boolean coldStart;

    @Option(names = "--simulation", description = "Same as --only simulate: a seeded 10,000-user, 2-day trace"
            + " replayed with every trigger on, events per CPU second (about a minute per run).")
    boolean simulation;

    @Option(names = "--simulation-memory", paramLabel = "TRACE", description = "Only simulate's memory: replay TRACE (from"
            + " `generate`) with a full collection every --sample-every seconds and print the live heap after each, its"
            + " peak and the peak resident set. Give the JVM its heap with JAVA_TOOL_OPTIONS=-Xmx..., e.g. 10g for 50M events.")
    java.nio.file.Path simulationMemory;

    @Option(names = "--sample-every", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between heap samples of --simulation-memory (default: ${DEFAULT-VALUE}).")
    int sampleEvery;

    @Spec
    CommandSpec spec;

    /** What runs: the registry, unless a test puts its own here. */
    List<BenchSuite> suites = Benchmarks.all();
    /** The settings, unless a test puts its own here (null: --quick decides). */
    BenchSettings settings;
    /** Where JMH and the suites report progress. */
    PrintStream progress = System.err;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            suites.forEach(s -> out.println(s.name()));
            out.flush();
            return 0;
        }
        List<String> names = new ArrayList<>(only == null ? List.of() : only);
        if (geo) {
            names.add("kmeans");
        }
        if (simulation) {
            names.add("simulate");
        }
        if (simulationMemory != null) {
            SimulateCommand.requireReadable(simulationMemory);
            dev.winback.local.bench.SimulationMemory.run(out, simulationMemory, java.time.Duration.ofSeconds(Math.max(1, sampleEvery)));
            return 0;
        }
        if (coldStart) {
            return dev.winback.local.bench.ColdStartBench.run(out, quick ? 1 : 5);
        }
        List<BenchSuite> selected = names.isEmpty() ? suites : suites.stream().filter(s -> names.contains(s.name())).toList();
        List<String> unknown = names.stream().filter(n -> suites.stream().noneMatch(s -> s.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new WinbackCommand.UserError("bench: no benchmark named " + String.join(", ", unknown) + "; there are: "
                    + String.join(", ", suites.stream().map(BenchSuite::name).toList()));
        }
        BenchSettings chosen = settings != null ? settings : quick ? BenchSettings.quickRun() : BenchSettings.fullRun();
        BenchReport report = new BenchRunner(chosen, progress).run(selected);
        if (json) {
            out.println(report.toJson());
        } else if (markdown) {
            report.printMarkdown(out);
        } else {
            out.println();
            report.printTable(out);
        }
        out.flush();
        return report.hasErrors() ? 1 : 0;
    }
}
