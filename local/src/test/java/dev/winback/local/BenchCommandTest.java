package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.local.bench.BenchRow;
import dev.winback.local.bench.BenchSettings;
import dev.winback.local.bench.BenchSuite;
import dev.winback.local.bench.Benchmarks;
import dev.winback.local.bench.IngestBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code winback bench}: every registered benchmark reports, in a table, JSON or Markdown; a failure is a row. */
class BenchCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run bench(List<BenchSuite> suites, String... args) {
        BenchCommand command = new BenchCommand();
        command.suites = suites;
        command.settings = BenchSettings.smokeRun(); // in-process JMH, 0.1 s iterations, quick populations
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        command.progress = new PrintStream(progress, true, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof WinbackCommand.UserError) {
                cmd.getErr().println("winback: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err + progress.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aQuickRunProducesARowForEveryBenchmarkAsWellFormedJson() throws Exception {
        Run run = bench(Benchmarks.all(), "--json");

        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(0, run.exit(), run.out() + run.err());
        JsonNode machine = report.get("machine");
        assertTrue(machine.get("cores").asInt() >= 1);
        assertTrue(machine.get("memoryBytes").asLong() > 0);
        assertFalse(machine.get("jdk").asText().isBlank());
        assertFalse(machine.get("os").asText().isBlank());
        assertTrue(report.get("quick").asBoolean());
        Set<String> reported = new HashSet<>();
        for (JsonNode row : report.get("rows")) {
            reported.add(row.get("benchmark").asText());
            assertFalse(row.get("verdict").asText().equals("ERROR"), row.toString());
            assertFalse(row.get("measure").asText().isBlank(), row.toString());
            assertFalse(row.get("result").asText().isBlank(), row.toString());
            if (!row.get("ratio").isNull()) {
                assertTrue(Double.isFinite(row.get("ratio").asDouble()) && row.get("ratio").asDouble() > 0, row.toString());
            }
            if (row.get("verdict").asText().matches("MET|NOT_MET")) {
                assertFalse(row.get("goal").asText().isBlank(), "a verdict needs a goal: " + row);
            }
        }
        assertEquals(Benchmarks.all().stream().map(BenchSuite::name).collect(java.util.stream.Collectors.toSet()), reported,
                "every registered benchmark reports");
        // The design limits hold even in a smoke run (they do not depend on timing).
        JsonNode writes = row(report, "writes", "state writes for a realistic 500-record batch");
        assertEquals("MET", writes.get("verdict").asText(), writes.toString());
        JsonNode inertia = row(report, "kmeans", "k-means inertia, ours vs Commons Math (same seed and iterations)");
        assertEquals("MET", inertia.get("verdict").asText(), inertia.toString());
    }

    private static JsonNode row(JsonNode report, String benchmark, String measure) {
        for (JsonNode row : report.get("rows")) {
            if (row.get("benchmark").asText().equals(benchmark) && row.get("measure").asText().equals(measure)) {
                return row;
            }
        }
        throw new AssertionError("no row " + benchmark + " / " + measure + " in " + report);
    }

    private static final BenchSuite FINE = BenchSuite.of("fine", run -> List.of(
            BenchRow.of("fine", "answers per second", "the limit: 10/s", "42/s").ratio(4.2).goal(">= 1x", true)));

    @Test
    void aFailingBenchmarkIsAnErrorRowAndTheOthersStillReport() {
        BenchSuite failing = BenchSuite.of("broken", run -> {
            throw new IllegalStateException("the disk is full");
        });
        BenchSuite missing = BenchSuite.of("missing-jmh", run -> List.of(BenchRow.of("missing-jmh", "x", "y",
                String.valueOf(run.score(IngestBenchmark.class, "noSuchMethod")))));

        Run run = bench(List.of(failing, FINE, missing));

        assertEquals(1, run.exit(), "a failed benchmark fails the command");
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("broken failed") && l.contains("IllegalStateException: the disk is full")
                && l.endsWith("ERROR")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("answers per second") && l.contains("4.20x") && l.endsWith("met")),
                run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("missing-jmh failed")
                && l.contains("no JMH result for IngestBenchmark.noSuchMethod")), run.out());
        assertTrue(lines.getLast().startsWith("machine: "), run.out());
        assertTrue(run.err().contains("the disk is full"), "the stack trace goes to stderr");
    }

    @Test
    void markdownIsATableToPaste() {
        Run run = bench(List.of(FINE), "--markdown");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("| measure | compared with | result | ratio | goal | met |", lines.get(0));
        assertEquals("| answers per second | the limit: 10/s | 42/s | 4.20x | >= 1x | **met** |", lines.get(2));
        assertTrue(lines.getLast().startsWith("Machine: "), run.out());
    }

    @Test
    void onlyRunsTheNamedBenchmarksAndAnUnknownNameIsOneClearError() {
        BenchSuite other = BenchSuite.of("other", run -> {
            throw new AssertionError("not selected, must not run");
        });
        Run one = bench(List.of(FINE, other), "--only", "fine");
        assertEquals(0, one.exit(), one.out() + one.err());
        assertTrue(one.out().contains("answers per second"));

        Run unknown = bench(List.of(FINE, other), "--only", "fine,nope");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("winback: bench: no benchmark named nope; there are: fine, other"), unknown.err());

        Run list = bench(Benchmarks.all(), "--list");
        assertEquals(Benchmarks.all().stream().map(BenchSuite::name).toList(), list.out().lines().toList());
    }

    @Test
    void simulationMemorySamplesTheLiveHeapThroughARealReplay(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path trace = dir.resolve("t.jsonl");
        assertEquals(0, Cli.winback("generate", "--users", "200", "--days", "1", "--out", trace.toString()).exit());
        long events = java.nio.file.Files.lines(trace).count();

        Run run = bench(Benchmarks.all(), "--simulation-memory", trace.toString(), "--sample-every", "1");

        assertEquals(0, run.exit(), run.out() + run.err());
        String summary = run.out().lines().filter(l -> l.startsWith("simulate memory: ")).findFirst().orElseThrow();
        assertTrue(summary.startsWith(String.format("simulate memory: %,d events in ", events)), summary);
        java.util.regex.Matcher peak = java.util.regex.Pattern.compile("peak live heap ([0-9,]+) MiB").matcher(summary);
        assertTrue(peak.find(), summary);
        long peakMb = Long.parseLong(peak.group(1).replace(",", ""));
        assertTrue(peakMb > 0 && peakMb < Runtime.getRuntime().maxMemory() >> 20, summary);
        // at least the samples at the end of the replay and of the run, each no higher than the peak
        List<Long> samples = run.out().lines().filter(l -> l.matches(".* lines  live heap .*"))
                .map(l -> Long.parseLong(l.replaceAll(".*live heap\\s+([0-9,]+) MiB.*", "$1").replace(",", ""))).toList();
        assertTrue(samples.size() >= 2, run.out());
        assertTrue(samples.stream().allMatch(mb -> mb <= peakMb), run.out());

        Run missing = bench(Benchmarks.all(), "--simulation-memory", dir.resolve("nope.jsonl").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope.jsonl"), missing.err());
    }
}
