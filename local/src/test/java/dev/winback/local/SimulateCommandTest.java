package dev.winback.local;

import static dev.winback.local.Cli.winback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./winback simulate} as a user runs it, on real files: the summary, bad lines quarantined and
 * listed with their line numbers, one-line errors with exit code 2, and the dynamodb-local store giving
 * the same results as memory.
 */
class SimulateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);



    private static Path demoTrace() {
        return Cli.repoFile("events/trace-demo.jsonl");
    }

    @Test
    void summarisesWhatWasReadDecidedSentAndWritten(@TempDir Path dir) {
        Path out = dir.resolve("out");
        Cli.Run run = winback("simulate", "--events", demoTrace().toString(), "--out", out.toString(), "--until", "2026-12-20");

        assertFalse(SimulateCommand.stderrIsTerminal(), "under a test runner stderr is no terminal: no bar");
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        String summary = run.out();
        assertTrue(summary.startsWith("read trace-demo.jsonl: 122 lines, 122 events, 118 applied, 1 duplicates dropped,"
                + " 3 quarantined {invalid_json=1, missing_field=1, unknown_type=1}\n"), summary);
        // the demo's three bad lines, by line number, with the field and the reason
        assertTrue(summary.contains("  trace-demo.jsonl line 60: not valid JSON: Unexpected end-of-input: expected close"
                + " marker for Object (invalid_json)\n"), summary);
        assertTrue(summary.contains("  trace-demo.jsonl line 77: field \"type\": unknown event type 'teleport' (unknown_type)\n"), summary);
        assertTrue(summary.contains("  trace-demo.jsonl line 78: field \"userId\": 'userId' is required (missing_field)\n"), summary);
        // from the first event to midnight of --until in the policy's zone (Asia/Shanghai)
        assertTrue(summary.contains("time: simulated 2026-11-21T00:00:00Z to 2026-12-19T16:00:00Z (28 d 16 h 00 min), wall "),
                summary);
        assertTrue(summary.contains("state: 8 users, 4 zones/merchants, 69 state writes, 41 timers armed\n"), summary);
        assertTrue(summary.contains("decisions: 50 {not_needed=1, sent=28, suppressed=21}\n"), summary);
        assertTrue(summary.contains("  deadline                          18 {not_needed=1, sent=3, suppressed=14}\n"), summary);
        assertTrue(summary.contains("  dormant                           24 {sent=19, suppressed=5}\n"), summary);
        assertTrue(summary.contains("  journey:onboarding                 6 {sent=6}\n"), summary);
        assertTrue(summary.contains("  scenario:new_no_order              2 {suppressed=2}\n"), summary);
        assertTrue(summary.contains("messages: 28 {email=5, inbox=5, push=1, sms=14, wecom=3}\n"), summary);
        assertTrue(summary.contains("coupons: 3, spend 20.00\n"), summary);
        assertTrue(summary.contains("conversions: 5 orders attributed to a touch (treated 5)\n"), summary);
        assertTrue(summary.contains("store: memory\n"), summary);
        assertTrue(summary.endsWith("wrote " + out + "/{users,ops,quarantine,decisions,sends,coupons,conversions,campaigns}.jsonl"
                + " (./winback report --out " + out + ")\n"), summary);
        for (String file : List.of("users", "ops", "quarantine", "decisions", "sends", "coupons", "conversions", "campaigns")) {
            assertTrue(Files.exists(out.resolve(file + ".jsonl")), file);
        }
    }

    @Test
    void badLinesAreQuarantinedAndCountedAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            lines.add("{\"eventId\":\"e" + i + "\",\"type\":\"login\",\"userId\":\"u-" + i + "\",\"occurredAt\":\"2026-11-21T0"
                    + i + ":00:00Z\",\"sessionId\":\"s" + i + "\"}");
        }
        lines.set(1, "{\"eventId\":\"e2\",\"type\":\"login\"");                                  // line 2: not JSON
        lines.set(3, "{\"eventId\":\"e4\",\"type\":\"login\",\"userId\":\"u-4\",\"occurredAt\":\"yesterday\"}"); // line 4
        lines.set(4, "");                                                                           // line 5: blank, skipped
        for (int i = 0; i < 6; i++) {
            lines.add("{\"eventId\":\"x" + i + "\",\"type\":\"nope\",\"userId\":\"u-x\",\"occurredAt\":\"2026-11-21T10:00:00Z\"}");
        }
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, lines, StandardCharsets.UTF_8);

        Cli.Run run = winback("simulate", "--events", trace.toString(), "--out", dir.resolve("out").toString());

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("read trace.jsonl: 15 lines, 14 events, 6 applied, 0 duplicates dropped, 8 quarantined"
                + " {invalid_field=1, invalid_json=1, unknown_type=6}\n"), run.out());
        List<String> shown = run.out().lines().filter(l -> l.startsWith("  trace.jsonl line ")).toList();
        assertEquals(SimulationSummary.QUARANTINE_SHOWN, shown.size(), run.out());
        assertTrue(shown.get(0).startsWith("  trace.jsonl line 2: not valid JSON"), shown.get(0));
        assertTrue(shown.get(1).startsWith("  trace.jsonl line 4: field \"occurredAt\": "), shown.get(1));
        assertTrue(shown.get(2).equals("  trace.jsonl line 10: field \"type\": unknown event type 'nope' (unknown_type)"), shown.get(2));
        assertTrue(run.out().contains("  ... 3 more in " + dir.resolve("out/quarantine.jsonl") + "\n"), run.out());
        assertEquals(8, Files.readAllLines(dir.resolve("out/quarantine.jsonl")).size());
    }

    @Test
    void aTraceThatIsNotTextStopsWithItsLineNumber(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("binary.jsonl");
        byte[] good = "{\"eventId\":\"e1\",\"type\":\"login\",\"userId\":\"u-1\",\"occurredAt\":\"2026-11-21T01:00:00Z\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(good);
        bytes.write(good);
        bytes.write(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41, '\n'});
        Files.write(trace, bytes.toByteArray());

        Cli.Run run = winback("simulate", "--events", trace.toString(), "--out", dir.resolve("out").toString());

        assertEquals(2, run.exit());
        assertEquals("winback: binary.jsonl line 3: not UTF-8 text (a trace is JSON Lines in UTF-8)\n", run.err());
    }

    @Test
    void missingFilesAFolderABadPolicyAndBadOptionsAreOneLineWithExitCode2(@TempDir Path dir) throws Exception {
        String out = dir.resolve("out").toString();
        String trace = demoTrace().toString();
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "timeZone: Asia/Shanghai\nrecall:\n  pageTimers: {}\nbogus: 1\n");

        List<Cli.Run> runs = List.of(
                winback("simulate", "--events", dir.resolve("none.jsonl").toString(), "--out", out),
                winback("simulate", "--events", dir.toString(), "--out", out),
                winback("simulate", "--events", trace, "--out", out, "--policy", policy.toString()),
                winback("simulate", "--events", trace, "--out", out, "--store", "postgres"),
                winback("simulate", "--events", trace, "--out", out, "--endpoint", "http://127.0.0.1:1"),
                winback("simulate", "--events", trace, "--out", out, "--until", "next week"));

        assertEquals("winback: trace file not found: " + dir.resolve("none.jsonl") + "\n", runs.get(0).err());
        assertEquals("winback: " + dir + " is a folder, not a trace file (JSON Lines)\n", runs.get(1).err());
        assertTrue(runs.get(2).err().startsWith("winback: " + policy + ": setting '"), runs.get(2).err());
        assertEquals("winback: --store must be memory or dynamodb-local, got 'postgres'\n", runs.get(3).err());
        assertEquals("winback: --endpoint goes with --store dynamodb-local\n", runs.get(4).err());
        assertTrue(runs.get(5).err().startsWith("winback: --until must be a date"), runs.get(5).err());
        for (Cli.Run run : runs) {
            assertEquals(2, run.exit(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertEquals("", run.out());
        }
        assertFalse(Files.exists(dir.resolve("out")), "nothing written when the run cannot start");
    }

    @Test
    void theDynamoDbLocalStoreGivesTheSameResultsAsMemory(@TempDir Path dir) throws Exception {
        Path memory = dir.resolve("memory");
        Path dynamo = dir.resolve("dynamo");
        Cli.Run inMemory = winback("simulate", "--events", demoTrace().toString(), "--out", memory.toString());
        Cli.Run onDynamo = winback("simulate", "--events", demoTrace().toString(), "--out", dynamo.toString(),
                "--store", "dynamodb-local");

        assertEquals(0, inMemory.exit(), inMemory.err());
        assertEquals(0, onDynamo.exit(), onDynamo.err());
        assertTrue(onDynamo.out().contains("store: DynamoDB Local at http://127.0.0.1:"), onDynamo.out());
        assertEquals(withoutStoreAndTime(inMemory.out()), withoutStoreAndTime(onDynamo.out()));
        // users, zones, merchants, messages, coupons and conversions byte for byte
        for (String file : List.of("users", "ops", "sends", "coupons", "conversions", "campaigns")) {
            assertEquals(Files.readAllLines(memory.resolve(file + ".jsonl")), Files.readAllLines(dynamo.resolve(file + ".jsonl")),
                    file);
        }
        // decisions in the same order with the same content; details went through the ledger's JSON, so
        // a figure may come back as 1 where it was 1.0: compare numbers by value
        List<JsonNode> expected = jsonLines(memory.resolve("decisions.jsonl"));
        List<JsonNode> actual = jsonLines(dynamo.resolve("decisions.jsonl"));
        assertEquals(26, expected.size());
        assertEquals(expected.size(), actual.size());
        Comparator<JsonNode> byValue = (a, b) -> a.equals(b) ? 0
                : a instanceof NumericNode x && b instanceof NumericNode y && x.decimalValue().compareTo(y.decimalValue()) == 0 ? 0 : 1;
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(expected.get(i).equals(byValue, actual.get(i)), "decision " + i + ":\n" + expected.get(i) + "\n" + actual.get(i));
        }
    }

    @Test
    void anEndpointKeepsTheRunsTablesForTheReport(@TempDir Path dir) throws Exception {
        try (EmbeddedDynamoDb server = EmbeddedDynamoDb.start();
             DynamoDbClient client = LedgerTables.client(server.endpoint(), null)) {
            Path out = dir.resolve("out");
            Cli.Run run = winback("simulate", "--events", demoTrace().toString(), "--out", out.toString(),
                    "--store", "dynamodb-local", "--endpoint", server.endpoint().toString());
            assertEquals(0, run.exit(), run.err());

            List<String> tables = client.listTables().tableNames();
            assertEquals(2, tables.size(), tables.toString());
            String ledger = tables.stream().filter(t -> t.endsWith("-ledger")).findFirst().orElseThrow();
            assertTrue(run.out().contains("store: DynamoDB Local at " + server.endpoint() + ", tables "), run.out());
            assertTrue(run.out().contains(ledger), run.out());

            // the decisions are in the ledger table; the orders are attributed from the trace into
            // conversions.jsonl (ConversionFunction, which records them in the table in AWS, is not simulated)
            Cli.Run fromFiles = winback("report", "--out", out.toString());
            Cli.Run fromTable = winback("report", "--ledger-table", ledger, "--endpoint", server.endpoint().toString());
            assertEquals(0, fromTable.exit(), fromTable.err());
            assertTrue(fromFiles.out().startsWith("Conversions (C7): 9 messages sent, 1 held out, 5 orders attributed"),
                    fromFiles.out());
            assertTrue(fromTable.out().startsWith("Conversions (C7): 9 messages sent, 1 held out, 0 orders attributed"),
                    fromTable.out());
        }
    }

    @Test
    void theProgressBarShowsEventsAndRateOnlyWhenAsked(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        Simulation simulation = new Simulation(dev.winback.core.policy.PolicyLoader.defaults(), 100, java.time.Clock.systemUTC());
        try (TraceWatch watch = new TraceWatch(true, new PrintStream(drawn, true, StandardCharsets.UTF_8))) {
            simulation.withMonitor(watch).run(demoTrace(), dir.resolve("out"));
            assertEquals(122, watch.lines());
            assertEquals(java.time.Instant.parse("2026-11-21T00:00:00Z"), watch.firstEvent());
        }
        String bar = drawn.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("simulate 100%"), bar);
        assertTrue(bar.contains("122 events"), bar);
        assertTrue(bar.contains(" MB"), bar);

        ByteArrayOutputStream none = new ByteArrayOutputStream();
        try (TraceWatch watch = new TraceWatch(false, new PrintStream(none, true, StandardCharsets.UTF_8))) {
            simulation.withMonitor(watch).run(demoTrace(), dir.resolve("out2"));
        }
        assertEquals(0, none.size());
    }

    private static String withoutStoreAndTime(String summary) {
        return summary.lines().filter(l -> !l.startsWith("store: ") && !l.startsWith("time: ") && !l.startsWith("wrote "))
                .reduce("", (a, b) -> a + b + "\n");
    }

    private static List<JsonNode> jsonLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

}
