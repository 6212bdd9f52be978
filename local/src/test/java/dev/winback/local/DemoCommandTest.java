package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./winback demo}: the showcase (generate, replay through two policies, compare) and the sample story. */
class DemoCommandTest {

    @Test
    void theShowcaseComparesTheDefaultPolicyWithTheVariantInAnHtmlReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        Cli.Run run = Cli.winback("demo", "--out", out.toString(), "--users", "120", "--seed", "3",
                "--variant", Cli.repoFile("config/policies/variant-generous.yaml").toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("Winback demo: one generated day (2026-10-01, seed 3) of 120 app users"), run.out());
        assertTrue(run.out().contains("open " + out.resolve("backtest.html").toAbsolutePath().toUri()), run.out());
        for (String file : new String[] {"trace.jsonl", "backtest.json", "backtest.html", "default/decisions.jsonl",
                "variant-generous/conversions.jsonl"}) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("backtest.json").toFile());
        assertEquals("default", json.path("policies").get(0).path("name").asText());
        assertEquals("variant-generous", json.path("policies").get(1).path("name").asText());
        assertEquals(Files.readAllLines(out.resolve("trace.jsonl")).size(),
                json.path("policies").get(0).path("simulation").path("lines").asInt());
    }

    @Test
    void theSampleTraceStillTellsItsStory(@TempDir Path dir) {
        Cli.Run run = Cli.winback("demo", "--events", Cli.repoFile("events/trace-demo.jsonl").toString(),
                "--out", dir.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("Deadline checks (A2-A9)"), run.out());
        assertTrue(run.out().contains("6.80 via sms"), "Alice's recall, as the README tells it: " + run.out());
        assertTrue(run.out().contains("Dormant reminders (B1-B6)"), run.out());
    }

    @Test
    void aMissingVariantIsOneLine(@TempDir Path dir) {
        Cli.Run run = Cli.winback("demo", "--out", dir.toString(), "--variant", dir.resolve("nope.yaml").toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals("winback: variant policy " + dir.resolve("nope.yaml") + " not found", run.err().strip());
    }
}
