package dev.winback.local.bench;

import dev.winback.local.Home;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.cost.CostModel;
import dev.winback.local.cost.CostReport;
import dev.winback.local.cost.Deployment;
import dev.winback.local.cost.PriceTable;
import dev.winback.local.cost.Usage;
import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The ingest cost (issue #9) through the cost model ({@code winback cost --ingest-only}) on the trace
 * BENCHMARKS.md prices: 2,000 users x 7 days, seed 1 (quick: 200 users x 1 day), with the template's
 * settings and the dated price table. Compared with what the stream alone charges per event.
 */
final class CostRows {

    private CostRows() {
    }

    /** A file of the repository: from its root ({@code ./winback}) or from a module (the tests). */
    static Path repoFile(String name) {
        Path here = Home.path(name);
        return Files.exists(here) || !Files.exists(Path.of("..", name)) ? here : Path.of("..", name);
    }

    static List<BenchRow> rows(BenchRun run) throws IOException {
        int users = run.settings().pick(2000, 200);
        int days = run.settings().pick(7, 1);
        Path dir = Files.createTempDirectory("winback-bench-cost");
        try {
            Path trace = dir.resolve("trace.jsonl");
            TraceGenerator generator = new TraceGenerator(TraceSettings.of(1, Instant.parse("2026-11-01T00:00:00Z"), days,
                    users, null, null, null, null));
            try (Writer out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
                generator.writeTo(new BufferedWriter(out), Long.MAX_VALUE, Long.MAX_VALUE, null);
            }
            PriceTable prices = PriceTable.load(repoFile("config/prices-us-east-1.yaml"));
            Deployment deployment = Deployment.load(repoFile("template.yaml"));
            int shards = (int) prices.assumption("kinesis.shards");
            CostReport report = new CostModel(PolicyLoader.defaults(), deployment, prices, shards, null)
                    .run(trace, 1, null, null);
            long events = report.ingest().records();
            double kinesis = report.lines().stream()
                    .filter(p -> p.line().path() == Usage.Path.INGEST && p.line().service().startsWith("Kinesis"))
                    .mapToDouble(CostReport.Priced::usd).sum() / events * 1e6;
            double ingest = report.ingestPerMillion();
            double streamHours = report.lines().stream()
                    .filter(p -> p.line().path() == Usage.Path.MONTHLY && p.line().service().startsWith("Kinesis"))
                    .mapToDouble(CostReport.Priced::usd).sum();
            String trace0 = String.format("%,d users x %d days, %,d events", users, days, events);
            return List.of(
                    BenchRow.of("cost", "ingest $ per million events, on-demand list prices (" + trace0 + ")",
                                    String.format("the stream alone (Kinesis on-demand): $%.3f", kinesis), String.format("$%.2f", ingest))
                            .ratio(ingest / kinesis)
                            .goal("<= $" + String.format("%.2f", CostReport.INGEST_GOAL_PER_MILLION),
                                    ingest <= CostReport.INGEST_GOAL_PER_MILLION),
                    BenchRow.of("cost", "state writes per event, template batching (1 s window)", "1.00 = a write per event",
                                    String.format("%.2f (%.1f records per batch)", (double) report.ingest().stateWrites() / events,
                                            report.ingest().recordsPerBatch()))
                            .ratio((double) report.ingest().stateWrites() / events),
                    BenchRow.of("cost", "idle cost per month (no traffic)",
                            String.format("the on-demand stream's hours alone: $%.2f", streamHours),
                            String.format("$%.2f", report.monthly())).ratio(report.monthly() / streamHours));
        } finally {
            CostModel.deleteTree(dir);
        }
    }
}
