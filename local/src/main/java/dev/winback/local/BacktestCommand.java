package dev.winback.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.io.PrintWriter;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code winback backtest}: the same trace through several policies, compared side by side (#7). */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay one trace through two or more policies and compare them: sends per channel, coupons "
                + "issued, discount cost, conversions, conversion rate, ROI and uplift against the holdout, per trigger "
                + "and scenario.",
                "Writes DIR/<policy>/ (what simulate --out writes, for each policy; the policy's name is its file's "
                        + "base name), DIR/backtest.json and DIR/backtest.html (self-contained: tables and charts, no "
                        + "network needed)."})
public final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--policy", required = true, paramLabel = "FILE",
            description = "A policy YAML to compare; give it at least twice.")
    List<Path> policies;

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "Trace: one behavior event per line.")
    Path events;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the runs, backtest.json and backtest.html go.")
    Path out;

    @Option(names = "--batch-size", defaultValue = "100", description = "Records per delivered batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--until", paramLabel = "INSTANT",
            description = "Keep the clock running after the trace up to this RFC 3339 instant or date, as simulate --until does.")
    String until;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (policies.size() < 2) {
            throw new WinbackCommand.UserError("backtest compares policies: give --policy at least twice");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new WinbackCommand.UserError("--batch-size must be 1..10000");
        }
        List<Backtest.Candidate> candidates = candidates(policies);
        SimulateCommand.requireReadable(events);
        Instant end = until == null ? null : ReportCommand.instant("--until", until, candidates.get(0).policy().timeZone());
        Backtest.Result result = new Backtest(batchSize, end, Clock.systemUTC()).run(events, candidates, out);
        BacktestPage.write(out.resolve(Backtest.HTML_FILE), result.json());
        PrintWriter w = spec.commandLine().getOut();
        printSummary(w, events, result.runs().get(0).outcome().lines(), result.json(), out);
        w.flush();
        return 0;
    }

    /** Each file loaded (a bad one is one line naming the setting), named by its base name; names must differ. */
    static List<Backtest.Candidate> candidates(List<Path> files) {
        Map<String, Path> byName = new LinkedHashMap<>();
        List<Backtest.Candidate> candidates = new ArrayList<>();
        for (Path file : files) {
            String name = nameOf(file);
            if (name.isBlank() || name.equals(".") || name.equals("..")) {
                throw new WinbackCommand.UserError("policy file " + file + " has no usable base name to name its run");
            }
            Path other = byName.putIfAbsent(name, file);
            if (other != null) {
                throw new WinbackCommand.UserError("two policies are named '" + name + "' (" + other + " and " + file
                        + "): a policy's name is its file's base name and names its output folder; rename one");
            }
            if (!Files.isRegularFile(file)) {
                throw new WinbackCommand.UserError("policy file " + file + " not found");
            }
            Policy policy = PolicyLoader.fromFile(file);
            candidates.add(new Backtest.Candidate(name, file.toString(), policy));
        }
        return candidates;
    }

    /** {@code config/policies/variant-generous.yaml} is {@code variant-generous}. */
    static String nameOf(Path file) {
        String base = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        for (String extension : new String[] {".yaml", ".yml"}) {
            if (base.toLowerCase(Locale.ROOT).endsWith(extension) && base.length() > extension.length()) {
                return base.substring(0, base.length() - extension.length());
            }
        }
        return base;
    }


    // --- summary ------------------------------------------------------------------------------------

    private static final String ROW = "%-20s %9s %7s %6s %7s %8s %12s %10s %8s%n";

    /** A few lines per policy on stdout; the page and the JSON hold the rest. */
    static void printSummary(PrintWriter w, Path trace, int lines, JsonNode json, Path out) {
        JsonNode policies = json.path("policies");
        w.printf("Backtest: %s (%,d lines) through %d policies%n%n", trace, lines, policies.size());
        w.printf(ROW, "policy", "decisions", "sends", "conv", "rate", "coupons", "coupon value", "disc. cost", "ROI");
        for (JsonNode p : policies) {
            JsonNode total = p.path("report").path("total");
            w.printf(ROW, p.path("name").asText(), p.path("funnel").path("decisions").asLong(),
                    p.path("funnel").path("sends").asLong(), p.path("funnel").path("conversions").asLong(),
                    percent(total.path("conversionRate")), p.path("coupons").path("issued").asLong(),
                    p.path("coupons").path("value").decimalValue().toPlainString(),
                    total.path("cost").decimalValue().toPlainString(),
                    total.path("roi").isNull() ? "n/a" : total.path("roi").decimalValue().setScale(2, RoundingMode.HALF_UP).toPlainString());
        }
        printUplifts(w, policies);
        w.println();
        Path page = out.resolve(Backtest.HTML_FILE).toAbsolutePath().normalize();
        w.printf("wrote %s, %s and one folder per policy (./winback report --out %s)%n",
                out.resolve(Backtest.JSON_FILE), out.resolve(Backtest.HTML_FILE),
                out.resolve(policies.path(0).path("name").asText()));
        w.printf("open %s%n", page.toUri());
    }

    /** Uplift per trigger (rows) and policy (columns), where some policy has both groups for that trigger. */
    private static void printUplifts(PrintWriter w, JsonNode policies) {
        java.util.SortedSet<String> triggers = new java.util.TreeSet<>();
        for (JsonNode p : policies) {
            for (JsonNode row : p.path("report").path("by").path("trigger")) {
                if (row.path("uplift").isObject()) {
                    triggers.add(row.path("value").asText());
                }
            }
        }
        if (triggers.isEmpty()) {
            return;
        }
        w.println();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-26s", "uplift vs holdout, pp"));
        policies.forEach(p -> header.append(String.format(Locale.ROOT, " %-22s", p.path("name").asText())));
        w.println(header.toString().stripTrailing());
        for (String trigger : triggers) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", trigger));
            for (JsonNode p : policies) {
                JsonNode uplift = null;
                for (JsonNode row : p.path("report").path("by").path("trigger")) {
                    if (row.path("value").asText().equals(trigger)) {
                        uplift = row.path("uplift");
                    }
                }
                line.append(String.format(Locale.ROOT, " %-22s", uplift == null || !uplift.isObject() ? "n/a"
                        : String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", uplift.path("estimate").asDouble() * 100,
                        uplift.path("lower").asDouble() * 100, uplift.path("upper").asDouble() * 100)));
            }
            w.println(line.toString().stripTrailing());
        }
        w.println("(treated minus holdout conversion rate, 95 % Newcombe interval; see ./winback report --help)");
    }

    private static String percent(JsonNode rate) {
        return rate.isNull() || rate.isMissingNode() ? "-"
                : String.format(Locale.ROOT, "%.1f%%", rate.asDouble() * 100);
    }
}
