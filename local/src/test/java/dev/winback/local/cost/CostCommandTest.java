package dev.winback.local.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.local.WinbackCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./winback cost} on a generated trace: the counts add up, the prices multiply out, bad input is one line. */
class CostCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PRICES = "../config/prices-us-east-1.yaml";
    private static final String TEMPLATE = "../template.yaml";

    @TempDir
    static Path dir;
    static Path trace;
    static long lines;
    static long orders;

    private record Run(int exit, String out, String err) {
    }

    private static Run winback(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run cost(String... more) {
        List<String> args = new ArrayList<>(List.of("cost", "--events", trace.toString(), "--prices", PRICES,
                "--template", TEMPLATE));
        args.addAll(List.of(more));
        return winback(args.toArray(String[]::new));
    }

    @BeforeAll
    static void generate() throws Exception {
        trace = dir.resolve("trace.jsonl");
        Run generated = winback("generate", "--out", trace.toString(), "--users", "60", "--days", "2", "--seed", "3");
        assertEquals(0, generated.exit(), generated.err());
        List<String> all = Files.readAllLines(trace, StandardCharsets.UTF_8);
        lines = all.size();
        orders = all.stream().filter(line -> line.contains("\"type\":\"order_placed\"")).count();
    }

    @Test
    void countsAndPricesTheTraceOnBothPaths() throws Exception {
        Run run = cost("--json", "--out", dir.resolve("sim").toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode report = JSON.readTree(run.out());

        JsonNode ingest = report.get("ingest");
        assertEquals(lines, ingest.get("events").asLong());
        long invocations = ingest.get("invocations").asLong();
        assertTrue(invocations >= lines / 500 && invocations <= lines, "batches: " + invocations);
        long writes = ingest.get("stateWrites").asLong();
        assertTrue(writes > 0 && writes <= lines, "at most one write per record: " + writes);
        assertTrue(ingest.get("writeUnits").asLong() >= writes, "every write costs at least a unit");
        // No write conflicts in a replay, so every read is a batch's eventually consistent one: half a unit.
        assertEquals(writes / 2.0, ingest.get("readUnits").asDouble(), 1e-9, "one eventually consistent read of each written subject");
        assertEquals(1, ingest.get("batchingWindowSeconds").asInt(), "the template's window");
        assertEquals(ingest.get("usdPerMillionEvents").asDouble(), ingest.get("usdPerMillionEventsWithoutTraces").asDouble(),
                1e-12, "the ingest path's functions do not trace (Tracing: PassThrough)");
        double segmentInvocations = 0;
        for (JsonNode line : report.get("lines")) {
            assertFalse(line.get("path").asText().equals("ingest") && line.get("service").asText().equals("X-Ray"), line.toString());
            if (line.get("service").asText().equals("Lambda SegmentChangesFunction") && line.get("what").asText().equals("invocations")) {
                segmentInvocations = line.get("quantity").asDouble();
            }
        }
        // The stream filter: only batches that changed someone's tags invoke SegmentChangesFunction.
        assertTrue(segmentInvocations > 0 && segmentInvocations <= ingest.get("segmentChanges").asLong()
                && segmentInvocations < invocations, "SegmentChangesFunction invocations: " + segmentInvocations);

        JsonNode messaging = report.get("messaging");
        long decisions = Files.readAllLines(dir.resolve("sim/decisions.jsonl")).size();
        assertEquals(decisions, messaging.get("decisions").asLong(), "the simulation's decisions");
        assertEquals(orders, messaging.get("orders").asLong());
        long sms = Files.readAllLines(dir.resolve("sim/sends.jsonl")).stream().filter(s -> s.contains("\"channel\":\"sms\"")).count();
        assertEquals(sms, messaging.get("sms").asLong());
        assertEquals(sms, messaging.get("calls").path("NOTIFY_SMS").asLong(), "the call table agrees with what was sent");
        assertTrue(messaging.get("timerDeliveries").asLong() > 0 && messaging.get("staleChecks").asLong() >= 0);

        // Every line is its quantity times its price, and the paths add up.
        PriceTable prices = PriceTable.load(Path.of(PRICES));
        double[] totals = new double[3];
        for (JsonNode line : report.get("lines")) {
            PriceTable.Price price = prices.price(line.get("price").asText());
            assertEquals(price.cost(line.get("quantity").asDouble()), line.get("usd").asDouble(), 1e-12, line.toString());
            totals[switch (line.get("path").asText()) { case "ingest" -> 0; case "messaging" -> 1; default -> 2; }]
                    += line.get("usd").asDouble();
        }
        assertEquals(totals[0], ingest.get("usd").asDouble(), 1e-9);
        assertEquals(totals[0] / lines * 1e6, ingest.get("usdPerMillionEvents").asDouble(), 1e-6);
        assertEquals(totals[1], messaging.get("usd").asDouble(), 1e-9);
        assertEquals(totals[2], report.get("monthly").get("usd").asDouble(), 1e-9);
        assertTrue(totals[2] > 29.2, "idle includes the on-demand stream's hours: " + totals[2]);
        assertTrue(report.get("unverifiedPrices").size() > 0, "the report says which prices nobody re-checked");
    }

    @Test
    void printsTablesAndTheVerdict() {
        Run run = cost("--ingest-only");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("Ingest path (this trace)"), run.out());
        assertTrue(run.out().contains("Per month, whatever the traffic"), run.out());
        assertTrue(run.out().matches("(?s).*ingest +\\$[0-9.,]+ per million events +\\(goal <= \\$0\\.30: (met|not met);.*"),
                run.out());
        assertTrue(!run.out().contains("Messaging path"), "--ingest-only runs no simulation");
    }

    @Test
    void aLargerPopulationAndALongerWindowFillTheBatches() throws Exception {
        JsonNode base = JSON.readTree(cost("--ingest-only", "--json").out()).get("ingest");
        JsonNode scaled = JSON.readTree(cost("--ingest-only", "--json", "--scale", "4").out()).get("scaledIngest");
        long users = Files.readAllLines(trace, StandardCharsets.UTF_8).stream().filter(l -> l.contains("\"userId\"")).count();
        assertEquals(lines + 3 * users, scaled.get("events").asLong(), "every user line four times, ops lines once");
        assertTrue(scaled.get("recordsPerBatch").asDouble() > base.get("recordsPerBatch").asDouble(),
                base + " vs " + scaled);
        JsonNode longer = JSON.readTree(cost("--ingest-only", "--json", "--batch-window", "10").out()).get("ingest");
        assertTrue(longer.get("invocations").asLong() < base.get("invocations").asLong());
        assertTrue(longer.get("stateWrites").asLong() < base.get("stateWrites").asLong(),
                "a longer window coalesces more of a user's events into one write");
    }

    @Test
    void badInputIsOneClearLine() {
        Run scale = cost("--scale", "0");
        assertEquals(2, scale.exit());
        assertEquals("winback: --scale must be 1..1000", scale.err().strip());
        Run prices = winback("cost", "--events", trace.toString(), "--prices", dir.resolve("nope.yaml").toString(),
                "--template", TEMPLATE);
        assertEquals(2, prices.exit());
        assertEquals("winback: price table not found: " + dir.resolve("nope.yaml") + " (pass --prices FILE)", prices.err().strip());
        Run events = winback("cost", "--events", dir.resolve("missing.jsonl").toString(), "--prices", PRICES,
                "--template", TEMPLATE, "--ingest-only");
        assertEquals(2, events.exit());
        assertTrue(events.err().startsWith("winback: trace file not found: "), events.err());
    }
}
