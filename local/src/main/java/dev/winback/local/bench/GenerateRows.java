package dev.winback.local.bench;

import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Trace generation (issue #7): {@code generate}'s work — 1,000,000 events of 10,000 users (quick:
 * 100,000 of 2,000) to a file — against its floor: writing the same lines, already in memory, through
 * the same writer to the same disk. Best of 3 each (quick: 1).
 */
final class GenerateRows {

    private GenerateRows() {
    }

    static List<BenchRow> rows(BenchRun run) throws IOException {
        int users = run.settings().pick(10_000, 2_000);
        long events = run.settings().pick(1_000_000, 100_000);
        int repeats = run.settings().repeats(3, 1);
        Path file = Files.createTempFile("winback-bench-generate", ".jsonl");
        try {
            double generate = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                TraceGenerator generator = new TraceGenerator(TraceSettings.of(1, Instant.parse("2026-10-01T00:00:00Z"), 6,
                        users, null, null, null, null));
                long start = System.nanoTime();
                try (Writer out = writer(file)) {
                    generator.writeTo(out, events, Long.MAX_VALUE, null);
                }
                generate = Math.min(generate, (System.nanoTime() - start) / 1e9);
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            double write = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                try (Writer out = writer(file)) {
                    for (String line : lines) {
                        out.write(line);
                        out.write('\n');
                    }
                }
                write = Math.min(write, (System.nanoTime() - start) / 1e9);
            }
            double rate = lines.size() / generate;
            return List.of(BenchRow.of("generate", String.format("generate %,d events (%,d users) to a file", lines.size(), users),
                            String.format("writing the same lines from memory: %,.0f lines/s", lines.size() / write),
                            String.format("%,.0f events/s", rate))
                    .ratio(write / generate));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Writer writer(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }
}
