package dev.winback.local;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.UserState;
import dev.winback.local.trace.TraceGenerator;
import dev.winback.local.trace.TraceSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code winback demo}: the showcase — a generated day of a few thousand users through the default
 * policy and a variant, compared in an HTML report — or, with {@code --events}, a small trace's story:
 * each user's state and every decision.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a day of app traffic for a few thousand users (seeded), replay it through the default "
                + "policy and a variant, and write the comparison as an HTML report (backtest.html) with the runs.",
                "With --events FILE (e.g. events/trace-demo.jsonl, the eight users of the README), replay that trace "
                        + "instead and print each user's state and every decision."})
public final class DemoCommand implements Callable<Integer> {

    /** The generated day starts here: in the past, so the simulator's future-timestamp rule keeps all of it. */
    static final java.time.Instant SHOWCASE_START = java.time.Instant.parse("2026-10-01T00:00:00Z");

    @Option(names = "--events", paramLabel = "FILE",
            description = "Replay this trace instead of the showcase and print every user and decision "
                    + "(the sample: events/trace-demo.jsonl).")
    Path events;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--users", defaultValue = "2000", paramLabel = "N",
            description = "Showcase: consumers in the generated day (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Showcase: the trace's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--variant", paramLabel = "FILE",
            description = "Showcase: the policy compared with the default one (default: the repository's config/policies/variant-generous.yaml).")
    Path variant;

    @Option(names = "--weeks", defaultValue = "4", description = "With --events: weeks to keep the clock running after the trace, for the daily dormant scans (default: ${DEFAULT-VALUE}).")
    int weeks;

    @Spec
    CommandSpec spec;

    /** The newest occurredAt in the trace (a quick pass; bad lines are skipped here and quarantined later). */
    private static java.time.Instant lastEventTime(Path trace) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.time.Instant last = java.time.Instant.EPOCH;
        for (String line : Files.readAllLines(trace)) {
            try {
                java.time.Instant at = java.time.OffsetDateTime.parse(json.readTree(line).path("occurredAt").asText()).toInstant();
                last = at.isAfter(last) ? at : last;
            } catch (java.io.IOException | RuntimeException skipped) {
                // not an event; the replay quarantines it
            }
        }
        return last;
    }

    @Override
    public Integer call() throws Exception {
        return events == null ? showcase() : story();
    }

    /** Generate, replay through both policies, compare: what Winback does at a realistic scale. */
    private int showcase() throws Exception {
        long began = System.nanoTime();
        if (users < 1 || users > 100_000) {
            throw new WinbackCommand.UserError("--users must be 1..100000 (the demo should stay quick)");
        }
        Path variant = Home.orDefault(this.variant, "config/policies/variant-generous.yaml");
        if (!Files.isRegularFile(variant)) {
            throw new WinbackCommand.UserError("variant policy " + variant + " not found");
        }
        List<Backtest.Candidate> candidates = List.of(
                new Backtest.Candidate("default", "config/policy.yaml", PolicyLoader.defaults()),
                new Backtest.Candidate(BacktestCommand.nameOf(variant), Home.shown(variant), PolicyLoader.fromFile(variant)));
        PrintWriter w = spec.commandLine().getOut();
        Files.createDirectories(out);
        Path trace = out.resolve("trace.jsonl");
        TraceSettings settings = TraceSettings.of(seed, SHOWCASE_START, 1, users, null, null, null, null);
        TraceGenerator generator = new TraceGenerator(settings);
        long lines;
        try (java.io.Writer writer = Files.newBufferedWriter(trace, java.nio.charset.StandardCharsets.UTF_8)) {
            lines = generator.writeTo(writer, Long.MAX_VALUE, Long.MAX_VALUE, null);
        }
        w.printf("Winback demo: one generated day (%s, seed %d) of %,d app users and %,d traders, %,d events -> %s%n",
                SHOWCASE_START.atZone(java.time.ZoneOffset.UTC).toLocalDate(), seed, settings.users(), settings.b2bUsers(), lines,
                trace);
        w.printf("replayed through the real function handlers on a virtual clock, once per policy: %s%n%n",
                String.join(" vs ", candidates.stream().map(c -> c.name() + " (" + c.source() + ")").toList()));
        w.flush();
        Backtest.Result result = new Backtest(100, null, Clock.systemUTC()).run(trace, candidates, out);
        BacktestPage.write(out.resolve(Backtest.HTML_FILE), result.json());
        BacktestCommand.printSummary(w, trace, result.runs().get(0).outcome().lines(), result.json(), out);
        w.printf("%nThe generated users do not react to messages (the generator cannot know them), so here every uplift is 0 "
                + "in truth: the intervals show how much a holdout of this size can tell.%n");
        w.printf("%n(%.1f s; the eight-user story from the README: ./winback demo --events events/trace-demo.jsonl)%n",
                (System.nanoTime() - began) / 1e9);
        w.flush();
        return 0;
    }

    /** A small trace, told user by user and decision by decision. */
    private int story() throws Exception {
        if (!Files.exists(events)) {
            throw new WinbackCommand.UserError("sample trace " + events + " not found; run ./winback from the repository root");
        }
        Policy policy = PolicyLoader.defaults();
        java.time.Instant until = lastEventTime(events).plus(java.time.Duration.ofDays(7L * weeks));
        Simulation.Outcome outcome = new Simulation(policy, 100, Clock.systemUTC(), until).run(events, out);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("Winback demo: %s through IngestFunction (in-memory state, policy time zone %s)%n%n",
                events, policy.timeZone());
        w.printf("%-10s %-34s %9s %6s %9s %6s  %s%n", "user", "segments", "cart", "orders", "spend", "logins", "session");
        for (UserState user : outcome.users().values()) {
            int logins = SegmentRules.loginsInWindow(user, user.lastSeenAt.atZone(policy.timeZone()).toLocalDate(), policy);
            String session = user.session == null ? "-"
                    : user.session.pagesViewed + " pages" + (user.session.leftApp ? ", left app" : "")
                    + (user.session.watchedEnteredAt.isEmpty() ? "" : ", on " + user.session.watchedEnteredAt.keySet());
            w.printf("%-10s %-34s %9s %6d %9s %6d  %s%n", user.userId, String.join(",", user.tags),
                    user.cartValue().toPlainString(), user.orders, user.spend.toPlainString(), logins, session);
        }
        w.println();
        outcome.ops().values().forEach(ops -> w.printf("%s%n", ops.zone != null
                ? "zone " + ops.zone + ": delivery pressure " + ops.deliveryPressure
                : "merchant " + ops.merchantId + ": supply " + ops.supply));
        w.println();
        w.printf("Deadline checks (A2-A9), virtual time, in the order they fired:%n");
        w.printf("%-8s %-8s %-9s %-10s %-46s %s%n", "time", "user", "page", "outcome", "reasons", "coupon / channel");
        for (Decision d : outcome.decisions().stream().filter(d -> isInSession(d.trigger())).toList()) {
            w.printf("%-8s %-8s %-9s %-10s %-46s %s%n",
                    d.at().atZone(policy.timeZone()).toLocalTime().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")),
                    d.userId().replace("u-", ""), d.details().get("page"), d.outcome().wireName(),
                    String.join(",", d.reasons()),
                    d.coupon() == null ? "" : d.coupon().amount().toPlainString() + " via " + String.join(",", d.channels()));
        }
        w.println();
        w.printf("Scenarios and journeys (C3-C6), from registration; caps count every trigger:%n");
        w.printf("%-17s %-8s %-26s %-10s %-30s %s%n", "due (local)", "user", "trigger", "outcome", "reasons",
                "reward / channel");
        for (Decision d : outcome.decisions().stream().filter(d -> !isInSession(d.trigger())
                && !d.trigger().equals("dormant")).toList()) {
            w.printf("%-17s %-8s %-26s %-10s %-30s %s%n",
                    d.at().atZone(policy.timeZone()).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                    d.userId().replace("u-", ""), d.trigger(), d.outcome().wireName(), String.join(",", d.reasons()),
                    rewardAndChannel(d));
        }
        w.println();
        w.printf("Dormant reminders (B1-B6), daily scan at %s %s, %d weeks after the trace:%n",
                policy.dormancy().scanAt(), policy.timeZone(), weeks);
        w.printf("%-17s %-8s %-9s %-10s %-26s %s%n", "decided (local)", "user", "reminder", "outcome", "reasons", "channel");
        java.time.format.DateTimeFormatter minutes = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        for (Decision d : outcome.decisions().stream().filter(d -> d.trigger().equals("dormant")).toList()) {
            java.time.Instant decided = java.time.Instant.parse((String) d.details().get("decidedAt"));
            w.printf("%-17s %-8s %-9s %-10s %-26s %s%s%n", decided.atZone(policy.timeZone()).format(minutes),
                    d.userId().replace("u-", ""), "#" + d.details().get("reminder"), d.outcome().wireName(),
                    String.join(",", d.reasons()), String.join(",", d.channels()),
                    decided.equals(d.at()) ? "" : "   (deferred past the user's quiet hours)");
        }
        w.println();
        SimulateCommand.Summary.print(w, outcome, out);
        return 0;
    }

    /** A2-A9 decisions: a watched page's deadline, or the churn score at it. */
    private static boolean isInSession(String trigger) {
        return trigger.equals("deadline") || trigger.equals("churn");
    }

    /** What went out: {@code 5.00 coupon via sms}, {@code free_delivery via inbox}, {@code via inbox}. */
    private static String rewardAndChannel(Decision d) {
        if (d.outcome() != Decision.Outcome.SENT) {
            return "";
        }
        String reward = d.coupon() != null ? d.coupon().amount().toPlainString() + " " + d.coupon().kind()
                : d.details().get("reward") instanceof java.util.Map<?, ?> r ? String.valueOf(r.get("id")) : "";
        String channel = d.channels().isEmpty() ? "" : "via " + String.join(",", d.channels());
        return (reward + " " + channel).trim();
    }
}
