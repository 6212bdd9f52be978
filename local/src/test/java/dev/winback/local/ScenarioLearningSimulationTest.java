package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Holdout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C3/C4 in the simulator: a user who registers and does not order gets the new_no_order scenario's
 * reward 30 minutes later; their order within a day counts one conversion for that reward, as it
 * arrives on the virtual clock, so the bandit learns during the run.
 */
class ScenarioLearningSimulationTest {

    @Test
    void aScenarioMessageThatConvertsCountsOneConversionForItsReward(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, List.of(
                line("e1", "register", "2026-11-21T02:00:00Z", ""),
                line("e2", "profile_updated", "2026-11-21T02:00:05Z", ",\"phone\":\"+8613800009999\""),
                line("e3", "order_placed", "2026-11-21T05:00:00Z", ",\"orderId\":\"o-1\",\"amount\":42.00"),
                line("e4", "order_placed", "2026-11-21T06:00:00Z", ",\"orderId\":\"o-2\",\"amount\":18.00")));

        Simulation.Outcome outcome = new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC()).run(trace, dir.resolve("out"));

        assertFalse(Holdout.isHeldOut("u-new", "scenario:new_no_order", 0.05), "u-new is not in the 5 % control group");
        Decision scenario = outcome.decisions().stream().filter(d -> d.trigger().equals("scenario:new_no_order"))
                .findFirst().orElseThrow();
        assertEquals("2026-11-21T02:30:00Z", scenario.at().toString());
        assertEquals(Decision.Outcome.SENT, scenario.outcome());
        assertEquals(List.of("sms"), scenario.channels());
        assertTrue(scenario.details().containsKey("reward"));
        assertEquals(1, outcome.rewardConversions(), "two orders, one converted decision");
    }

    private static String line(String id, String type, String at, String more) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"u-new\",\"type\":\"" + type + "\",\"occurredAt\":\"" + at + "\"" + more + "}";
    }
}
