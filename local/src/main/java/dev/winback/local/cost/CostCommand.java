package dev.winback.local.cost;

import dev.winback.local.Home;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.WinbackCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code winback cost}: what a trace would cost on AWS, request by request, at list prices. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Count the AWS requests a trace would cause (ingest replayed batch by batch, messaging from a"
                + " simulation) and price them: dollars per million events for ingest and for messaging, and the"
                + " monthly idle cost.")
public final class CostCommand implements Callable<Integer> {

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "Trace: one behavior event per line.")
    Path events;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML (default: config/policy.yaml as shipped).")
    Path policy;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "Price table (default: the repository's config/prices-us-east-1.yaml).")
    Path prices;

    @Option(names = "--template", paramLabel = "FILE",
            description = "The SAM template: memory, architecture, batch sizes and windows, alarms (default: the repository's template.yaml).")
    Path template;

    @Option(names = "--shards", paramLabel = "N",
            description = "Stream shards the records spread over (default: the price table's kinesis.shards).")
    Integer shards;

    @Option(names = "--scale", paramLabel = "K", defaultValue = "1",
            description = "Also replay the ingest path with every user copied K times (a K times larger population"
                    + " with the trace's behaviour), to see the cost per event at a higher stream rate.")
    int scale;

    @Option(names = "--batch-window", paramLabel = "SECONDS",
            description = "Assume this ingest batching window instead of the template's (a what-if: a longer window"
                    + " coalesces more of a user's events into one write, and delays state by as much).")
    Integer batchWindow;

    @Option(names = "--ingest-only", description = "Count the ingest path only (no simulation, no messaging path).")
    boolean ingestOnly;

    @Option(names = "--until", paramLabel = "INSTANT",
            description = "Keep the simulation's clock running to this date or RFC 3339 instant (daily scans, reminders).")
    String until;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Keep the simulation's files (decisions, sends, conversions) here; default: a temporary folder.")
    Path out;

    @Option(names = "--json", description = "Print JSON instead of the tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (scale < 1 || scale > 1000) {
            throw new WinbackCommand.UserError("--scale must be 1..1000");
        }
        if (shards != null && (shards < 1 || shards > 10_000)) {
            throw new WinbackCommand.UserError("--shards must be 1..10000");
        }
        if (batchWindow != null && (batchWindow < 0 || batchWindow > 300)) {
            throw new WinbackCommand.UserError("--batch-window must be 0..300 seconds (Lambda's limit)");
        }
        Policy loaded = policy == null ? PolicyLoader.defaults() : PolicyLoader.fromFile(policy);
        PriceTable table = PriceTable.load(Home.orDefault(prices, "config/prices-us-east-1.yaml"));
        Deployment deployment = Deployment.load(Home.orDefault(template, "template.yaml"));
        int streamShards = shards != null ? shards : (int) table.assumption("kinesis.shards");
        Path dir = ingestOnly ? null : out != null ? out : Files.createTempDirectory("winback-cost");
        try {
            CostReport report = new CostModel(loaded, deployment, table, streamShards,
                    batchWindow == null ? null : Duration.ofSeconds(batchWindow))
                    .run(events, scale, parseUntil(loaded), dir);
            PrintWriter writer = spec.commandLine().getOut();
            if (json) {
                writer.println(report.json());
                writer.flush();
            } else {
                report.print(writer);
            }
        } finally {
            if (out == null && dir != null) {
                CostModel.deleteTree(dir);
            }
        }
        return 0;
    }

    private Instant parseUntil(Policy loaded) {
        if (until == null) {
            return null;
        }
        try {
            return until.length() == 10 ? LocalDate.parse(until).atStartOfDay(loaded.timeZone()).toInstant()
                    : OffsetDateTime.parse(until).toInstant();
        } catch (DateTimeParseException e) {
            throw new WinbackCommand.UserError("--until must be a date (2026-12-20) or an RFC 3339 instant, got '" + until + "'");
        }
    }
}
