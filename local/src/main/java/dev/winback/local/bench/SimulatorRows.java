package dev.winback.local.bench;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.Simulation;
import dev.winback.local.SyntheticTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The simulator (issue #3): ingest, virtual timers, deadline checks and ledgers over a seeded trace of
 * 2,000 users x 3 sessions (quick: 300), best of 3 timed runs after a warm-up run.
 */
final class SimulatorRows {

    private SimulatorRows() {
    }

    static List<BenchRow> rows(BenchRun run) throws IOException {
        Policy policy = PolicyLoader.defaults();
        Path dir = Files.createTempDirectory("winback-bench");
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, new SyntheticTrace(11, Instant.parse("2026-11-20T00:00:00Z")).sessions(run.settings().pick(2000, 300), 3));
        double bestDecisions = 0;
        double bestEvents = 0;
        int runs = run.settings().repeats(4, 2);
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            Simulation.Outcome outcome = new Simulation(policy, 100, Clock.systemUTC()).run(trace, dir.resolve("out"));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (i > 0) {
                bestDecisions = Math.max(bestDecisions, outcome.decisions().size() / seconds);
                bestEvents = Math.max(bestEvents, outcome.received() / seconds);
            }
        }
        dev.winback.local.cost.CostModel.deleteTree(dir);
        return List.of(BenchRow.of("simulator", "simulator: deadline decisions per second, 1 core",
                        String.format("events replayed alongside: %,.0f events/s", bestEvents),
                        String.format("%,.0f decisions/s", bestDecisions))
                .ratio(bestEvents / IngestRows.SHARD_RECORDS_PER_SECOND));
    }
}
