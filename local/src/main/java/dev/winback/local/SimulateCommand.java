package dev.winback.local;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Map;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code winback simulate}: replay a trace through the ingest function on a virtual clock. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay a behavior trace (JSON Lines) through Winback and write the resulting state.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "Trace: one behavior event per line.")
    Path events;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where users.jsonl, ops.jsonl and quarantine.jsonl go.")
    Path out;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML (default: config/policy.yaml as shipped).")
    Path policy;

    @Option(names = "--suppress", paramLabel = "FILE",
            description = "Suppression list (C6): user ids never to message, one per line ('#' starts a comment).")
    Path suppress;

    @Option(names = "--batch-size", defaultValue = "100", description = "Records per delivered batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--until", paramLabel = "INSTANT",
            description = "Keep the clock running after the trace up to this RFC 3339 instant or date (e.g. 2026-12-20): daily dormant scans and deferred reminders run until then.")
    String until;

    @Option(names = "--store", defaultValue = "memory", paramLabel = "STORE",
            description = "Where the state and ledger tables live: memory (default) or dynamodb-local (the real DynamoDB adapters on DynamoDB Local, started in this process unless --endpoint is given).")
    String store;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "With --store dynamodb-local: a DynamoDB Local already running there (e.g. http://127.0.0.1:8000); the run's tables stay there.")
    URI endpoint;

    @Option(names = "--no-progress", negatable = false,
            description = "No progress bar (it is drawn on stderr only when stderr is a terminal).")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new WinbackCommand.UserError("--batch-size must be 1..10000");
        }
        SimulationStores.Factory stores = stores();
        Policy loaded = policy == null ? PolicyLoader.defaults() : PolicyLoader.fromFile(policy);
        Instant end = parseUntil(loaded);
        requireReadable(events);
        Simulation simulation = new Simulation(loaded, batchSize, Clock.systemUTC(), end, SuppressCommand.readList(suppress));
        Located located = new Located(stores);
        Simulation.Outcome outcome;
        try (TraceWatch watch = new TraceWatch(!noProgress && stderrIsTerminal(), System.err)) {
            try {
                outcome = simulation.withStores(located).withMonitor(watch).run(events, out);
            } catch (CharacterCodingException e) {
                throw new WinbackCommand.UserError(events.getFileName() + " line " + firstLineNotUtf8(events)
                        + ": not UTF-8 text (a trace is JSON Lines in UTF-8)");
            }
            watch.close(); // the bar's last state before the summary
            SimulationSummary.print(spec.commandLine().getOut(), events, outcome, watch, out, located.location);
        }
        return 0;
    }

    /** A file that is missing, a folder or unreadable stops the run before anything is written (backtest too). */
    static void requireReadable(Path trace) {
        if (!Files.exists(trace)) {
            throw new WinbackCommand.UserError("trace file not found: " + trace);
        }
        if (Files.isDirectory(trace)) {
            throw new WinbackCommand.UserError(trace + " is a folder, not a trace file (JSON Lines)");
        }
        if (!Files.isReadable(trace)) {
            throw new WinbackCommand.UserError("cannot read the trace file " + trace + " (permissions)");
        }
    }

    /**
     * The number of the first line that is not UTF-8. The replay's reader decodes ahead of the line it
     * returns, so only a second, line-by-line pass over the bytes can say which line it was.
     */
    static long firstLineNotUtf8(Path trace) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(trace))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (long number = 1; ; number++) {
                int b = in.read();
                for (; b != '\n' && b != -1; b = in.read()) {
                    line.write(b);
                }
                try {
                    utf8.reset().decode(ByteBuffer.wrap(line.toByteArray()));
                } catch (CharacterCodingException notText) {
                    return number;
                }
                if (b == -1) {
                    return number; // not found again: the reader's complaint stands, at the end
                }
                line.reset();
            }
        }
    }

    /**
     * Whether stderr is a terminal, where a redrawn bar belongs: the ./winback script knows
     * ({@code [ -t 2 ]}) and says so in WINBACK_STDERR_TTY; without it, only when the JVM has an
     * interactive console — never under a pipe, a redirect or a test runner.
     */
    static boolean stderrIsTerminal() {
        String told = System.getenv("WINBACK_STDERR_TTY");
        if (told != null) {
            return told.equals("1");
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+ returns a console for redirected streams too; isTerminal() tells them apart
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException jdk21) {
            return true; // before 22, a console exists only on a terminal
        }
    }

    /** The chosen stores, remembering where the last run opened them (tables, endpoint) for the summary. */
    private static final class Located implements SimulationStores.Factory {
        private final SimulationStores.Factory stores;
        private String location = "memory";

        Located(SimulationStores.Factory stores) {
            this.stores = stores;
        }

        @Override
        public SimulationStores open(Clock clock) {
            SimulationStores opened = stores.open(clock);
            if (opened.location() != null) {
                location = opened.location();
            }
            return opened;
        }
    }

    private SimulationStores.Factory stores() {
        return switch (store) {
            case "memory" -> {
                if (endpoint != null) {
                    throw new WinbackCommand.UserError("--endpoint goes with --store dynamodb-local");
                }
                yield SimulationStores.MEMORY;
            }
            case "dynamodb-local" -> DynamoStores.on(endpoint);
            default -> throw new WinbackCommand.UserError("--store must be memory or dynamodb-local, got '" + store + "'");
        };
    }

    private java.time.Instant parseUntil(Policy loaded) {
        if (until == null) {
            return null;
        }
        try {
            return until.length() == 10
                    ? java.time.LocalDate.parse(until).atStartOfDay(loaded.timeZone()).toInstant()
                    : java.time.OffsetDateTime.parse(until).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new WinbackCommand.UserError("--until must be a date (2026-12-20) or an RFC 3339 instant, got '" + until + "'");
        }
    }

    /** The closing lines of {@code ./winback demo}; {@code simulate} prints {@link SimulationSummary}. */
    static final class Summary {
        static void print(PrintWriter out, Simulation.Outcome outcome, Path dir) {
            out.printf("%d lines, %d events applied, %d duplicates dropped, %d quarantined %s%n",
                    outcome.lines(), outcome.applied(), outcome.duplicates(), outcome.quarantined(),
                    outcome.quarantinedByReason().isEmpty() ? "" : outcome.quarantinedByReason());
            out.printf("%d users, %d zones/merchants, %d state writes%n",
                    outcome.users().size(), outcome.ops().size(), outcome.writes());
            Map<String, Integer> outcomes = outcome.decisionCounts().byOutcome();
            BigDecimal spend = outcome.coupons().stream().map(c -> c.amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            out.printf("%d timers armed, %d decisions %s, %d messages sent, %d coupons worth %s%n",
                    outcome.timersArmed(), outcome.decisionCounts().total(), outcomes, outcome.sends().size(),
                    outcome.coupons().size(), spend.toPlainString());
            out.printf("wrote %s/{users,ops,quarantine,decisions,sends,coupons,conversions}.jsonl (./winback report --out %s)%n", dir, dir);
            out.flush();
        }
    }
}
