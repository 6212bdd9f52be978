package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Holdout;
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
 * C5 in the simulator: the shipped onboarding journey runs on the virtual clock after the trace, its
 * steps written to decisions.jsonl as {@code journey:onboarding:<step>} decisions, and an order ends it.
 */
class JourneySimulationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theOnboardingStepsRunOnTheVirtualClockUntilTheUserOrders(@TempDir Path dir) throws Exception {
        for (String user : List.of("u-new", "u-buyer")) {
            assertFalse(Holdout.isHeldOut(user, "journey:onboarding", 0.05), user + " is not in the control group");
        }
        // Dated in the past: the future-timestamp rule is checked against this run's wall clock.
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, List.of(
                line("e1", "u-new", "register", "2026-11-01T02:00:00Z", ""),
                line("e2", "u-new", "profile_updated", "2026-11-01T02:00:05Z", ",\"phone\":\"+8613800009999\""),
                line("e3", "u-buyer", "register", "2026-11-01T02:10:00Z", ""),
                // Between its day-1 (11-02 03:10) and day-3 steps.
                line("e4", "u-buyer", "order_placed", "2026-11-03T05:00:00Z", ",\"orderId\":\"o-1\",\"amount\":42.00")));

        Path out = dir.resolve("out");
        new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC(), Instant.parse("2026-11-11T00:00:00Z"))
                .run(trace, out);

        List<String> newUser = new ArrayList<>();
        List<String> buyer = new ArrayList<>();
        List<String> firstReminder = new ArrayList<>();
        for (String text : Files.readAllLines(out.resolve("decisions.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode d = JSON.readTree(text);
            if (d.get("trigger").asText().equals("dormant") && d.get("userId").asText().equals("u-new")
                    && d.path("details").path("reminder").asInt() == 1) {
                firstReminder.add(d.get("outcome").asText() + " " + d.get("reasons"));
            }
            if (!d.get("trigger").asText().startsWith("journey:")) {
                continue;
            }
            String row = d.get("trigger").asText() + " " + d.get("at").asText() + " " + d.get("outcome").asText();
            (d.get("userId").asText().equals("u-new") ? newUser : buyer).add(row);
            assertEquals("onboarding", d.path("details").path("journey").asText());
            assertEquals(d.get("trigger").asText().substring("journey:onboarding:".length()),
                    d.path("details").path("step").asText());
        }
        assertEquals(List.of(
                "journey:onboarding:day1 2026-11-02T03:00:00Z sent",
                "journey:onboarding:day3 2026-11-04T03:00:00Z sent",
                "journey:onboarding:day7 2026-11-08T03:00:00Z sent"), newUser);
        // Caps count every trigger: the first dormant reminder (10:00 on day 7, an hour before the day-7
        // step) would be the fourth message within 7 days after the scenario (day 0, 10:30), day 1 and day 3.
        assertEquals(List.of("suppressed [\"dormant\",\"frequency_cap\"]"), firstReminder);
        assertEquals(List.of(
                "journey:onboarding:day1 2026-11-02T03:10:00Z sent",
                "journey:onboarding:day3 2026-11-04T03:10:00Z not_needed"), buyer, "the order ended the journey");

        String users = Files.readString(out.resolve("users.jsonl"));
        assertTrue(users.contains("\"end\":\"exited:ordered\""), users);
        assertTrue(users.contains("\"end\":\"completed\""), users);
    }

    private static String line(String id, String user, String type, String at, String more) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"" + user + "\",\"type\":\"" + type + "\",\"occurredAt\":\""
                + at + "\"" + more + "}";
    }
}
