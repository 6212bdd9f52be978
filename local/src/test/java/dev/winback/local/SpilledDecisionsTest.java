package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.recall.Decision;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk decision log the in-memory simulation uses: the same answers and file as a map of decisions. */
class SpilledDecisionsTest {

    private static final Instant T = Instant.parse("2026-10-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aDecisionRecordedAgainKeepsItsFirstPlaceWithItsLatestContent() throws Exception {
        try (SpilledDecisions log = new SpilledDecisions()) {
            log.record(decision("d-1", "u-1", "deadline", Decision.Outcome.SUPPRESSED, List.of("deadline", "frequency_cap")));
            log.record(decision("d-2", "u-2", "dormant", Decision.Outcome.NOT_NEEDED, List.of("dormant")));
            log.record(decision("d-1", "u-1", "deadline", Decision.Outcome.SENT, List.of("deadline")));
            log.record(decision("d-3", "u-1", "campaign:c-1", Decision.Outcome.SENT, List.of("campaign")));

            DecisionCounts counts = log.write(dir.resolve("decisions.jsonl"));

            List<Decision> written = SimulationFiles.readDecisions(dir.resolve("decisions.jsonl"));
            assertEquals(List.of("d-1", "d-2", "d-3"), written.stream().map(Decision::decisionId).toList());
            assertEquals(Decision.Outcome.SENT, written.get(0).outcome());
            assertEquals(List.of(SimulationFiles.decision(decision("d-1", "u-1", "deadline", Decision.Outcome.SENT,
                            List.of("deadline"))), SimulationFiles.decision(written.get(1)), SimulationFiles.decision(written.get(2))),
                    Files.readAllLines(dir.resolve("decisions.jsonl")));
            assertEquals(3, counts.total());
            assertEquals(Map.of("not_needed", 1, "sent", 2), counts.byOutcome());
            assertEquals(Map.of("sent", 1), counts.byKind().get("campaign"));
        }
    }

    @Test
    void findReturnsTheLatestContentAndTouchesFollowUpdates() {
        try (SpilledDecisions log = new SpilledDecisions()) {
            assertTrue(log.find("u-1", T, "d-1").isEmpty());
            log.record(decision("d-1", "u-1", "scenario:new_no_order", Decision.Outcome.SENT, List.of("scenario")));
            log.record(decision("d-2", "u-1", "deadline", Decision.Outcome.SUPPRESSED, List.of("deadline", "holdout")));
            log.record(decision("d-3", "u-1", "deadline", Decision.Outcome.SUPPRESSED, List.of("deadline", "quiet_hours")));

            Decision found = log.find("u-1", T, "d-1").orElseThrow();
            assertEquals(Decision.Outcome.SENT, found.outcome());
            assertEquals(new BigDecimal("6.00"), found.coupon().amount(), "amounts read back exactly");
            assertEquals("r-6", ((Map<?, ?>) found.details().get("reward")).get("id"));
            // sent and holdout decisions are touches; their details keep what attribution reads
            assertEquals(List.of("d-1", "d-2"), log.touchesOf("u-1").stream().map(Decision::decisionId).toList());
            assertEquals(Set.of("reward", "scenario", "decidedAt"), log.touchesOf("u-1").get(0).details().keySet());

            log.record(decision("d-1", "u-1", "scenario:new_no_order", Decision.Outcome.NOT_NEEDED, List.of("exited")));
            assertEquals(Decision.Outcome.NOT_NEEDED, log.find("u-1", T, "d-1").orElseThrow().outcome());
            assertEquals(List.of("d-2"), log.touchesOf("u-1").stream().map(Decision::decisionId).toList());
            assertEquals(List.of("d-2"), log.forUser("u-1", T, T).stream().map(Decision::decisionId).toList());
        }
    }

    @Test
    void manyIdsStayDistinct() throws Exception {
        Set<Long> digests = new HashSet<>();
        try (SpilledDecisions log = new SpilledDecisions()) {
            for (int i = 0; i < 20_000; i++) {
                log.record(decision("dl-" + i, "u-" + (i % 97), "deadline", Decision.Outcome.NOT_NEEDED, List.of("deadline")));
                digests.add(SpilledDecisions.digest("dl-" + i));
            }
            assertEquals(20_000, digests.size());
            assertEquals("u-" + (12_345 % 97), log.find("x", T, "dl-12345").orElseThrow().userId());
            assertEquals(20_000, log.write(dir.resolve("d.jsonl")).total());
            assertEquals(20_000, Files.readAllLines(dir.resolve("d.jsonl")).size());
        }
    }

    private static Decision decision(String id, String user, String trigger, Decision.Outcome outcome, List<String> reasons) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scenario", "new_no_order");
        details.put("cartValue", new BigDecimal("42.50"));
        details.put("reward", Map.of("id", "r-6"));
        details.put("decidedAt", T.toString());
        return new Decision(id, user, trigger, T, outcome, reasons, new Decision.Reward(new BigDecimal("6.00"), "coupon"),
                outcome == Decision.Outcome.SENT ? List.of("sms") : List.of(), details);
    }
}
