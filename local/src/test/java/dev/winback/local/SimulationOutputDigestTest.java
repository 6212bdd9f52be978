package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the simulator's speed-ups (issue #7): a seeded generated trace that exercises every trigger
 * must give byte-for-byte the same result files (decisions, sends, coupons, conversions, states,
 * campaigns) as recorded in {@code simulation-digests.txt}.
 *
 * <p>A change that is meant to alter behaviour (a policy default, a decision rule, the generator)
 * changes the digests too: check the new outputs, then rewrite the file by running this test with
 * {@code -Dwinback.updateDigests=true}.
 */
class SimulationOutputDigestTest {

    private static final Path DIGESTS = Path.of("src/test/resources/simulation-digests.txt");

    @Test
    void aSeededTraceGivesTheRecordedOutputs(@TempDir Path dir) throws Exception {
        TraceSettings settings = TraceSettings.of(3, Instant.parse("2026-10-01T00:00:00Z"), 3, 400, null, null, null, null);
        Path trace = dir.resolve("trace.jsonl");
        try (Writer out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
            new TraceGenerator(settings).writeTo(out, Long.MAX_VALUE, Long.MAX_VALUE, (events, upTo) -> { });
        }
        Path out = dir.resolve("out");
        Simulation.Outcome outcome = new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC(),
                Instant.parse("2026-10-14T00:00:00Z")).run(trace, out);

        // The trace is only a good guard if every trigger decides something in it.
        Map<String, Long> byTrigger = outcome.decisions().stream()
                .collect(Collectors.groupingBy(d -> d.trigger().replaceAll(":.*", ""), TreeMap::new, Collectors.counting()));
        assertEquals(List.of("campaign", "deadline", "dormant", "journey", "scenario"), List.copyOf(byTrigger.keySet()));
        assertTrue(outcome.decisions().stream().anyMatch(d -> d.outcome() == Decision.Outcome.SENT));
        assertTrue(outcome.rewardConversions() > 0, "orders convert scenario messages");
        assertTrue(Files.readAllLines(out.resolve(ConversionFiles.CONVERSIONS)).size() > 0, "orders are attributed");

        String actual = digests(out);
        if (Boolean.getBoolean("winback.updateDigests")) {
            Files.writeString(DIGESTS, actual);
        }
        assertEquals(Files.readString(DIGESTS), actual,
                "the simulator's outputs changed; if that is intended, rerun with -Dwinback.updateDigests=true");
    }

    /** One line per result file: name, lines, SHA-256. */
    private static String digests(Path out) throws IOException {
        StringBuilder lines = new StringBuilder();
        try (Stream<Path> files = Files.list(out)) {
            for (Path file : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                lines.append(file.getFileName()).append(' ')
                        .append(Files.readAllLines(file).size()).append(' ')
                        .append(HexFormat.of().formatHex(sha256(bytes))).append('\n');
            }
        }
        return lines.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
