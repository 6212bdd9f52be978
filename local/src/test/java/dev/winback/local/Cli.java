package dev.winback.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import picocli.CommandLine;

/** Runs {@code ./winback} in-process on real files, as the script would, capturing both streams. */
final class Cli {

    record Run(int exit, String out, String err) {
    }

    private Cli() {
    }

    static Run winback(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A repository file, whether the tests run from the module folder (Maven) or the root. */
    static Path repoFile(String path) {
        Path here = Path.of(path);
        return Files.exists(here) ? here : Path.of("..").resolve(path);
    }

    /** A generated day of {@code users} consumers (and a tenth as many traders, one site campaign). */
    static Path generatedDay(Path dir, int users, long seed) throws IOException {
        Path trace = dir.resolve("trace.jsonl");
        TraceGenerator generator = new TraceGenerator(TraceSettings.of(seed, DemoCommand.SHOWCASE_START, 1, users,
                null, null, null, null));
        try (Writer writer = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
            generator.writeTo(writer, Long.MAX_VALUE, Long.MAX_VALUE, null);
        }
        return trace;
    }
}
