package dev.winback.local;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.nio.file.Path;
import java.time.Clock;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new WinbackCommand.UserError("--batch-size must be 1..10000");
        }
        Policy loaded = policy == null ? PolicyLoader.defaults() : PolicyLoader.fromFile(policy);
        Simulation.Outcome outcome = new Simulation(loaded, batchSize, Clock.systemUTC(), parseUntil(loaded),
                SuppressCommand.readList(suppress)).run(events, out);
        Summary.print(spec.commandLine().getOut(), outcome, out);
        return 0;
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

    /** The closing lines every run prints. */
    static final class Summary {
        static void print(PrintWriter out, Simulation.Outcome outcome, Path dir) {
            out.printf("%d lines, %d events applied, %d duplicates dropped, %d quarantined %s%n",
                    outcome.lines(), outcome.applied(), outcome.duplicates(), outcome.quarantined(),
                    outcome.quarantinedByReason().isEmpty() ? "" : outcome.quarantinedByReason());
            out.printf("%d users, %d zones/merchants, %d state writes%n",
                    outcome.users().size(), outcome.ops().size(), outcome.writes());
            Map<String, Long> outcomes = new TreeMap<>();
            outcome.decisions().forEach(d -> outcomes.merge(d.outcome().wireName(), 1L, Long::sum));
            BigDecimal spend = outcome.coupons().stream().map(c -> c.amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            out.printf("%d timers armed, %d decisions %s, %d messages sent, %d coupons worth %s%n",
                    outcome.timersArmed(), outcome.decisions().size(), outcomes, outcome.sends().size(),
                    outcome.coupons().size(), spend.toPlainString());
            out.printf("wrote %s/{users,ops,quarantine,decisions,sends,coupons,conversions}.jsonl (./winback report --out %s)%n", dir, dir);
            out.flush();
        }
    }
}
