package dev.winback.local;

import static dev.winback.local.Cli.winback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C7 end to end in the simulator: the demo trace with Alice ordering after her recall SMS
 * (17:36:25 Shanghai, 09:36:25Z), {@code conversions.jsonl}, and {@code ./winback report}.
 */
class ConversionReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Alice comes back through the SMS: the coupon page, the order page, then the order with the coupon. */
    private static final List<String> ALICE_RETURNS = List.of(
            "{\"eventId\": \"x-alice-1\", \"type\": \"app_open\", \"userId\": \"u-alice\", \"occurredAt\": \"2026-11-21T09:50:00Z\", \"sessionId\": \"s-alice-2\"}",
            "{\"eventId\": \"x-alice-2\", \"type\": \"page_enter\", \"userId\": \"u-alice\", \"occurredAt\": \"2026-11-21T09:50:05Z\", \"sessionId\": \"s-alice-2\", \"page\": \"coupon\"}",
            "{\"eventId\": \"x-alice-3\", \"type\": \"page_enter\", \"userId\": \"u-alice\", \"occurredAt\": \"2026-11-21T09:51:00Z\", \"sessionId\": \"s-alice-2\", \"page\": \"order\"}",
            "{\"eventId\": \"x-alice-4\", \"type\": \"order_placed\", \"userId\": \"u-alice\", \"occurredAt\": \"2026-11-21T09:52:30Z\", \"sessionId\": \"s-alice-2\", \"orderId\": \"o-alice-1\", \"amount\": \"68.00\", \"discount\": \"6.80\", \"couponId\": \"c-alice-1\", \"merchantId\": \"m-17\", \"address\": \"Room 3, 8 Example Road, Pudong, Shanghai\"}",
            // a producer retry of the same order: counted once
            "{\"eventId\": \"x-alice-4\", \"type\": \"order_placed\", \"userId\": \"u-alice\", \"occurredAt\": \"2026-11-21T09:52:30Z\", \"sessionId\": \"s-alice-2\", \"orderId\": \"o-alice-1\", \"amount\": \"68.00\", \"discount\": \"6.80\", \"couponId\": \"c-alice-1\", \"merchantId\": \"m-17\", \"address\": \"Room 3, 8 Example Road, Pudong, Shanghai\"}");

    private static Path demoTrace() {
        Path here = Path.of("events/trace-demo.jsonl");
        return Files.exists(here) ? here : Path.of("../events/trace-demo.jsonl");
    }

    /** The demo trace with {@code extra} inserted in time order (bad lines stay where they are). */
    private static Path traceWith(Path dir, List<String> extra) throws IOException {
        Instant first = Instant.parse(JSON.readTree(extra.get(0)).get("occurredAt").asText());
        List<String> lines = new ArrayList<>();
        boolean inserted = false;
        for (String line : Files.readAllLines(demoTrace(), StandardCharsets.UTF_8)) {
            if (!inserted && occurredAt(line) != null && occurredAt(line).isAfter(first)) {
                lines.addAll(extra);
                inserted = true;
            }
            lines.add(line);
        }
        if (!inserted) {
            lines.addAll(extra);
        }
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, lines, StandardCharsets.UTF_8);
        return trace;
    }

    private static Instant occurredAt(String line) {
        try {
            return Instant.parse(JSON.readTree(line).get("occurredAt").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Policy policyWithHoldout(String share) throws IOException {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEFAULT_RESOURCE)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(yaml.contains("holdout: 0.05"), "the default policy's holdout setting moved");
            return PolicyLoader.parse(yaml.replace("holdout: 0.05", "holdout: " + share).getBytes(StandardCharsets.UTF_8),
                    "test policy");
        }
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }



    private static JsonNode row(JsonNode report, String dimension, String value) {
        for (JsonNode row : report.path("by").path(dimension)) {
            if (row.path("value").asText().equals(value)) {
                return row;
            }
        }
        throw new AssertionError("no " + dimension + " row " + value + " in " + report);
    }

    @Test
    void alicesOrderAfterHerRecallIsAttributedToTheSms(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        // Four weeks on, as in the demo: the dormant reminders are touches too.
        new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC(), Instant.parse("2026-12-20T00:00:00Z"))
                .run(traceWith(dir, ALICE_RETURNS), out);

        JsonNode alicesRecall = jsonLines(out.resolve("decisions.jsonl")).stream()
                .filter(d -> d.path("userId").asText().equals("u-alice") && d.path("outcome").asText().equals("sent"))
                .findFirst().orElseThrow();
        List<JsonNode> alices = jsonLines(out.resolve("conversions.jsonl")).stream()
                .filter(c -> c.path("userId").asText().equals("u-alice")).toList();
        assertEquals(1, alices.size(), "one line per attributed order, the retried event counted once");
        JsonNode c = alices.get(0);
        assertEquals(alicesRecall.path("decisionId").asText(), c.path("decisionId").asText());
        assertEquals("deadline", c.path("trigger").asText());
        assertEquals("treated", c.path("group").asText());
        assertEquals("sms", c.path("channel").asText());
        assertEquals("coupon", c.path("reward").asText());
        assertEquals("2026-11-21T09:36:25Z", c.path("touchAt").asText());
        assertEquals("o-alice-1", c.path("orderId").asText());
        assertEquals("2026-11-21T09:52:30Z", c.path("orderAt").asText());
        assertEquals(new BigDecimal("16.08"), c.path("minutesToOrder").decimalValue());
        assertEquals(0, new BigDecimal("68.00").compareTo(c.path("amount").decimalValue()));
        assertEquals(0, new BigDecimal("6.80").compareTo(c.path("discount").decimalValue()));
        assertEquals("Room 3, 8 Example Road, Pudong, Shanghai", c.path("address").asText());
        assertEquals("coupon", c.path("landingPage").asText());
        assertEquals(145, c.path("dwellSeconds").asInt()); // 09:50:05 → 09:52:30

        Cli.Run json = winback("report", "--out", out.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode report = JSON.readTree(json.out());
        JsonNode deadline = row(report, "trigger", "deadline");
        assertEquals(3, deadline.path("sends").asInt());        // Bob, Alice and Dave were recalled
        assertEquals(3, deadline.path("conversions").asInt());  // and each ordered within 24 h
        assertEquals(6, deadline.path("orders").asInt());       // Bob four times
        assertEquals(0, new BigDecimal("305.50").compareTo(deadline.path("revenue").decimalValue()));
        assertEquals(0, new BigDecimal("6.80").compareTo(deadline.path("cost").decimalValue()));
        assertEquals(0, new BigDecimal("43.9265").compareTo(deadline.path("roi").decimalValue())); // (305.50 - 6.80) / 6.80
        assertTrue(deadline.path("uplift").isNull(), "no holdout at 5 % among three users");
        JsonNode sms = row(report, "channel", "sms");
        assertEquals(0, new BigDecimal("68.00").add(new BigDecimal("90.00")).compareTo(sms.path("revenue").decimalValue()));
        JsonNode dormant = row(report, "trigger", "dormant");
        assertTrue(dormant.path("sends").asInt() > 0);
        assertEquals(0, dormant.path("conversions").asInt()); // the trace's orders are weeks before the reminders
        assertEquals(0, row(report, "reward", "none").path("conversions").asInt());
        // new_no_order fired for Alice (capped: her recall came first) and Carol (in its holdout): nothing sent.
        JsonNode scenario = report.path("by").path("scenario").get(0);
        assertEquals("new_no_order", scenario.path("value").asText());
        assertEquals(0, scenario.path("sends").asInt());

        Cli.Run table = winback("report", "--out", out.toString());
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("by trigger"), table.out());
        assertTrue(table.out().contains("by channel"), table.out());
        assertTrue(table.out().contains("by reward"), table.out());
        assertTrue(table.out().contains("by scenario"), "the new_no_order scenario fired");
        String deadlineLine = table.out().lines().filter(l -> l.startsWith("deadline ")).findFirst().orElseThrow();
        assertTrue(deadlineLine.matches("deadline\\s+3\\s+3\\s+100\\.0%\\s+6\\s+305\\.50\\s+6\\.80\\s+43\\.93\\s+.*"), deadlineLine);
    }

    @Test
    void heldOutUsersAreTheControlGroup(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        new Simulation(policyWithHoldout("0.5"), 100, Clock.systemUTC()).run(traceWith(dir, ALICE_RETURNS), out);
        long heldOut = jsonLines(out.resolve("decisions.jsonl")).stream()
                .filter(d -> d.path("reasons").toString().contains("\"holdout\"")).count();
        assertTrue(heldOut > 0, "half the users held out, yet none was");

        Cli.Run json = winback("report", "--out", out.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode report = JSON.readTree(json.out());
        assertEquals(heldOut, report.path("heldOut").asLong());
        long holdoutRows = 0;
        for (JsonNode row : report.path("by").path("trigger")) {
            holdoutRows += row.path("holdout").asLong();
            if (row.path("sends").asLong() > 0 && row.path("holdout").asLong() > 0) {
                JsonNode uplift = row.path("uplift");
                assertTrue(uplift.path("lower").asDouble() <= uplift.path("estimate").asDouble());
                assertTrue(uplift.path("estimate").asDouble() <= uplift.path("upper").asDouble());
            }
        }
        assertEquals(heldOut, holdoutRows);
        for (JsonNode c : jsonLines(out.resolve("conversions.jsonl"))) {
            if (c.path("group").asText().equals("holdout")) {
                assertTrue(c.path("channel").isNull());
            }
        }
    }

    @Test
    void aMissingOrBadFileIsOneLineAndExitCode2(@TempDir Path dir) throws IOException {
        Cli.Run missing = winback("report", "--out", dir.resolve("nowhere").toString());
        assertEquals(2, missing.exit());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("winback: ") && missing.err().contains("decisions.jsonl not found"), missing.err());

        Files.writeString(dir.resolve("decisions.jsonl"), "{\"decisionId\": \"d-1\", \"userId\": \"u1\", \"trigger\": \"deadline\", "
                + "\"at\": \"2026-11-21T09:00:00Z\", \"outcome\": \"sent\", \"reasons\": [], \"coupon\": null, \"channels\": [\"sms\"], "
                + "\"details\": {}}\n{\"decisionId\": \"d-2\", \"outcome\": \"sent\"}\n");
        Files.writeString(dir.resolve("conversions.jsonl"), "");
        Cli.Run bad = winback("report", "--out", dir.toString());
        assertEquals(2, bad.exit());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("decisions.jsonl line 2: missing userId"), bad.err());

        Files.writeString(dir.resolve("decisions.jsonl"), "{\"decisionId\": \"d-1\", \"userId\": \"u1\", \"trigger\": \"deadline\", "
                + "\"at\": \"2026-11-21T09:00:00Z\", \"outcome\": \"sent\", \"reasons\": [], \"coupon\": null, \"channels\": [\"sms\"], "
                + "\"details\": {}}\n");
        Cli.Run noConversions = winback("report", "--out", dir.toString());
        assertEquals(0, noConversions.exit(), noConversions.err());
        Files.delete(dir.resolve("conversions.jsonl"));
        Cli.Run conversionsMissing = winback("report", "--out", dir.toString());
        assertEquals(2, conversionsMissing.exit());
        assertTrue(conversionsMissing.err().contains("conversions.jsonl not found"), conversionsMissing.err());

        Files.writeString(dir.resolve("conversions.jsonl"), "{\"decisionId\": \"d-9\", \"userId\": \"u1\"}\nnot json\n");
        Cli.Run unknown = winback("report", "--out", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("conversions.jsonl line 1: decision d-9"), unknown.err());
    }
}
