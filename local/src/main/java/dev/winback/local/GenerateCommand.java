package dev.winback.local;

import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code winback generate}: a realistic, seeded behavior trace for {@code simulate}, benchmarks or
 * a pipeline of one's own, written as it is generated (memory does not grow with its length).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a realistic, reproducible behavior trace (JSON Lines, in time order): app sessions,",
                "carts, orders, logins, lapsing users, registrations, pushes, consent, delivery pressure,",
                "merchant supply, a B2B directory and site campaigns with their reads, clicks and deals."})
public final class GenerateCommand implements Callable<Integer> {

    /** Progress on stderr after this many events. */
    static final long PROGRESS_EVERY = 1_000_000;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the trace goes ('-': standard output).")
    String out;

    @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Consumers (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--days", defaultValue = "7", paramLabel = "D", description = "Days from --start (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Same seed, same trace (default: ${DEFAULT-VALUE}).")
    long seed;

    /** In the past, so that {@code simulate} (whose "now" is the wall clock) accepts the whole default trace. */
    @Option(names = "--start", defaultValue = "2026-10-01T00:00:00Z", paramLabel = "INSTANT",
            description = "First instant, RFC 3339 (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--b2b-users", paramLabel = "M", description = "Traders in the B2B directory (default: users / 10).")
    Integer b2bUsers;

    @Option(names = "--campaigns", paramLabel = "C", description = "Site campaigns over the period (default: one a day when there are traders).")
    Integer campaigns;

    @Option(names = "--zones", paramLabel = "Z", description = "Delivery zones (default: users / 250, 2..64).")
    Integer zones;

    @Option(names = "--merchants", paramLabel = "K", description = "Merchants (default: users / 20, 10..5000).")
    Integer merchants;

    @Option(names = "--events-limit", paramLabel = "E", description = "Stop after E events (default: the whole period).")
    Long eventsLimit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TraceSettings settings;
        try {
            settings = TraceSettings.of(seed, startInstant(), days, users, b2bUsers, campaigns, zones, merchants);
        } catch (IllegalArgumentException e) {
            throw new WinbackCommand.UserError("generate: " + e.getMessage());
        }
        if (eventsLimit != null && eventsLimit < 1) {
            throw new WinbackCommand.UserError("generate: --events-limit must be at least 1");
        }
        PrintWriter err = spec.commandLine().getErr();
        Instant end = settings.start().plus(java.time.Duration.ofDays(settings.days()));
        if (end.isAfter(Instant.now())) {
            err.println("generate: note: the trace runs until " + end + ", after the current time; simulate treats the"
                    + " events after its wall clock as future_timestamp — choose an earlier --start to replay it all");
        }
        long began = System.nanoTime();
        TraceGenerator generator = new TraceGenerator(settings);
        long lines;
        try (Writer writer = open()) {
            lines = generator.writeTo(writer, eventsLimit == null ? Long.MAX_VALUE : eventsLimit, PROGRESS_EVERY,
                    (events, upTo) -> {
                        double seconds = (System.nanoTime() - began) / 1e9;
                        err.printf("generate: %,d events, up to %s (%,.0f events/s)%n", events, upTo, events / seconds);
                        err.flush();
                    });
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        PrintWriter report = out.equals("-") ? err : spec.commandLine().getOut();
        report.printf("wrote %,d events to %s in %.1f s (%,.0f events/s): %,d users, %,d B2B users, %,d campaigns,"
                        + " %d day(s) from %s, seed %d%n", lines, out, seconds, lines / seconds, settings.users(),
                settings.b2bUsers(), settings.campaigns(), settings.days(), settings.start(), settings.seed());
        report.println(generator.countsByType());
        report.flush();
        return 0;
    }

    private Instant startInstant() {
        try {
            return java.time.OffsetDateTime.parse(start).toInstant();
        } catch (DateTimeParseException e) {
            throw new WinbackCommand.UserError("generate: --start must be an RFC 3339 instant such as 2026-11-20T00:00:00Z, got '"
                    + start + "'");
        }
    }

    private Writer open() throws IOException {
        if (out.equals("-")) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush(); // never close standard output
                }
            };
        }
        Path file = Path.of(out);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }
}
