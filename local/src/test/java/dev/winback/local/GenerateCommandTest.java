package dev.winback.local;

import static dev.winback.local.Cli.winback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./winback generate} on real files, and its trace through {@code ./winback simulate}. */
class GenerateCommandTest {



    @Test
    void writesATraceThatTheSimulatorReplaysWithoutQuarantine(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("traces/small.jsonl"); // the folder does not exist yet
        Cli.Run generated = winback("generate", "--out", trace.toString(), "--users", "60", "--days", "2",
                "--b2b-users", "40", "--campaigns", "2", "--seed", "9");
        assertEquals(0, generated.exit(), generated.err());
        List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        assertTrue(generated.out().startsWith("wrote " + String.format("%,d", lines.size()) + " events to " + trace),
                generated.out());
        assertTrue(generated.out().contains("site_campaign=2"), generated.out());
        EventDecoder decoder = new EventDecoder(64 * 1024, Duration.ofMinutes(5));
        for (String line : lines) {
            assertTrue(decoder.decode(line.getBytes(StandardCharsets.UTF_8), null) instanceof Decoded.Accepted, line);
        }

        Cli.Run simulated = winback("simulate", "--events", trace.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, simulated.exit(), simulated.err());
        String count = String.format(java.util.Locale.ROOT, "%,d", lines.size());
        assertTrue(simulated.out().startsWith("read small.jsonl: " + count + " lines, " + count + " events, " + count
                + " applied, 0 duplicates dropped, 0 quarantined"), simulated.out());
        assertTrue(Files.size(dir.resolve("out/users.jsonl")) > 0);
    }

    @Test
    void theSameSeedWritesTheSameFileAndTheLimitStopsEarly(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path limited = dir.resolve("limited.jsonl");
        assertEquals(0, winback("generate", "--out", a.toString(), "--users", "30", "--days", "1", "--seed", "4").exit());
        assertEquals(0, winback("generate", "--out", b.toString(), "--users", "30", "--days", "1", "--seed", "4").exit());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Cli.Run run = winback("generate", "--out", limited.toString(), "--users", "30", "--days", "1", "--seed", "4",
                "--events-limit", "100");
        assertEquals(0, run.exit(), run.err());
        List<String> head = Files.readAllLines(a, StandardCharsets.UTF_8).subList(0, 100);
        assertEquals(head, Files.readAllLines(limited, StandardCharsets.UTF_8), "the first 100 events of the same trace");
    }

    @Test
    void badOptionsAreOneClearLine(@TempDir Path dir) {
        String out = dir.resolve("t.jsonl").toString();
        Cli.Run days = winback("generate", "--out", out, "--days", "0");
        assertEquals(2, days.exit());
        assertEquals("winback: generate: --days must be 1..3660", days.err().strip());
        Cli.Run start = winback("generate", "--out", out, "--start", "yesterday");
        assertEquals(2, start.exit());
        assertTrue(start.err().startsWith("winback: generate: --start must be an RFC 3339 instant"), start.err());
        Cli.Run nobody = winback("generate", "--out", out, "--users", "0", "--b2b-users", "0");
        assertEquals(2, nobody.exit());
        assertTrue(nobody.err().contains("at least one user"), nobody.err());
        Cli.Run limit = winback("generate", "--out", out, "--events-limit", "0");
        assertEquals(2, limit.exit());
        assertTrue(limit.err().contains("--events-limit must be at least 1"), limit.err());
        assertTrue(!Files.exists(Path.of(out)), "nothing written on a bad option");
    }
}
