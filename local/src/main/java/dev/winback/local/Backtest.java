package dev.winback.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.Touch;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A policy backtest (#7): the same trace through several policies with the simulator, each run's
 * output in a folder of its own, and their figures side by side in {@code backtest.json}.
 *
 * <p>The conversion figures of each policy are exactly what {@code ./winback report --out DIR/<policy>
 * --json} prints: they are read back from the files the run wrote and computed by the same code, so
 * the comparison can never disagree with the report of one run. Around them the backtest adds what
 * the report does not have: decisions per outcome (the top of the funnel), coupons issued from the
 * budget, and sends and conversions per hour.
 */
final class Backtest {

    static final String JSON_FILE = "backtest.json";
    static final String HTML_FILE = "backtest.html";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** One policy under test; {@code name} names its output folder and its column in the comparison. */
    record Candidate(String name, String source, Policy policy) {
    }

    /** The runs in the candidates' order and the comparison document written to {@code backtest.json}. */
    record Result(List<Run> runs, ObjectNode json) {
    }

    /** What one policy's run left behind, read back as {@code report} reads it. */
    record Run(Candidate candidate, Path dir, Simulation.Outcome outcome, List<Touch> touches,
               List<Conversion> conversions) {
    }

    private final int batchSize;
    private final Instant until;
    private final Clock wallClock;

    /**
     * @param wallClock "now" for the future-timestamp rule; fixed once so every policy quarantines the
     *                  same lines and the runs differ only by policy
     */
    Backtest(int batchSize, Instant until, Clock wallClock) {
        this.batchSize = batchSize;
        this.until = until;
        this.wallClock = Clock.fixed(wallClock.instant(), java.time.ZoneOffset.UTC);
    }

    /**
     * Runs every candidate on the trace (in parallel, one simulation per core: the runs share
     * nothing), writes {@code out/<name>/} for each and {@code out/backtest.json}.
     */
    Result run(Path trace, List<Candidate> candidates, Path out) throws IOException {
        Files.createDirectories(out);
        int threads = Math.max(1, Math.min(candidates.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Run>> futures = new ArrayList<>();
            for (Candidate candidate : candidates) {
                futures.add(pool.submit(() -> runOne(trace, candidate, out.resolve(candidate.name()))));
            }
            List<Run> runs = new ArrayList<>();
            for (Future<Run> future : futures) {
                runs.add(await(future));
            }
            ObjectNode json = json(trace, runs);
            Files.writeString(out.resolve(JSON_FILE), JSON.writeValueAsString(json) + "\n");
            return new Result(runs, json);
        } finally {
            pool.shutdownNow();
        }
    }

    private Run runOne(Path trace, Candidate candidate, Path dir) throws IOException {
        Simulation.Outcome outcome = new Simulation(candidate.policy(), batchSize, wallClock, until).run(trace, dir);
        List<Touch> touches = ConversionFiles.readTouches(dir.resolve(ConversionFiles.DECISIONS));
        List<Conversion> conversions = ConversionFiles.readConversions(dir.resolve(ConversionFiles.CONVERSIONS), touches);
        return new Run(candidate, dir, outcome, touches, conversions);
    }

    private static Run await(Future<Run> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backtest interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException(new IOException(cause));
        }
    }

    // --- backtest.json ----------------------------------------------------------------------------

    /**
     * The comparison document. Field names are stable (a test and the HTML page read them):
     * {@code trace}, {@code hours} (the timeline's UTC hours, gaps filled) and {@code policies}, each with
     * {@code name}, {@code policy} (its file), {@code out}, {@code simulation}, {@code decisions}
     * (per outcome), {@code coupons} (issued from the budget: count and value), {@code funnel}
     * (decisions, sends, conversions), {@code report} (what {@code report --json} prints for the run)
     * and {@code timeline} (sends and conversions per hour, aligned with {@code hours}).
     */
    static ObjectNode json(Path trace, List<Run> runs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("trace", trace.toString());
        root.put("confidence", 0.95);
        List<Map<Instant, long[]>> perRun = runs.stream().map(Backtest::hourly).toList();
        List<Instant> hours = hours(perRun);
        hours.forEach(h -> root.withArray("hours").add(h.toString()));
        ArrayNode policies = root.putArray("policies");
        for (int i = 0; i < runs.size(); i++) {
            policies.add(policy(runs.get(i), perRun.get(i), hours));
        }
        return root;
    }

    private static ObjectNode policy(Run run, Map<Instant, long[]> hourly, List<Instant> hours) {
        Simulation.Outcome o = run.outcome();
        ObjectNode json = JSON.createObjectNode();
        json.put("name", run.candidate().name());
        json.put("policy", run.candidate().source());
        json.put("out", run.dir().toString());
        json.putObject("simulation")
                .put("lines", o.lines())
                .put("applied", o.applied())
                .put("duplicates", o.duplicates())
                .put("quarantined", o.quarantined())
                .put("users", o.users().size())
                .put("timersArmed", o.timersArmed());
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (Decision.Outcome outcome : Decision.Outcome.values()) {
            outcomes.put(outcome.wireName(), 0L);
        }
        o.decisionCounts().byOutcome().forEach((outcome, n) -> outcomes.merge(outcome, (long) n, Long::sum));
        ObjectNode decisions = json.putObject("decisions");
        decisions.put("total", o.decisionCounts().total());
        outcomes.forEach(decisions::put);
        BigDecimal couponValue = o.coupons().stream().map(c -> c.amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        json.putObject("coupons").put("issued", o.coupons().size()).put("value", money(couponValue));
        ObjectNode report = ReportCommand.json(run.touches(), run.conversions());
        json.putObject("funnel")
                .put("decisions", o.decisionCounts().total())
                .put("sends", report.path("total").path("sends").asLong())
                .put("conversions", report.path("total").path("conversions").asLong());
        json.set("report", report);
        ArrayNode timeline = json.putArray("timeline");
        for (Instant hour : hours) {
            long[] counts = hourly.getOrDefault(hour, new long[2]);
            timeline.addObject().put("hour", hour.toString()).put("sends", counts[0]).put("conversions", counts[1]);
        }
        return json;
    }

    /**
     * Sends (real touches, by when they went) and conversions (converted real touches, by their first
     * attributed order) per UTC hour: the same units as the funnel, so each column sums to it.
     */
    private static Map<Instant, long[]> hourly(Run run) {
        Map<Instant, long[]> byHour = new TreeMap<>();
        Map<String, Instant> firstOrder = new HashMap<>();
        for (Conversion c : run.conversions()) {
            if (c.touch().group() == Touch.Group.TREATED) {
                firstOrder.merge(c.touch().decisionId(), c.order().at(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (Touch t : run.touches()) {
            if (t.group() == Touch.Group.TREATED && counted.add(t.decisionId())) {
                byHour.computeIfAbsent(t.at().truncatedTo(ChronoUnit.HOURS), h -> new long[2])[0]++;
            }
        }
        firstOrder.values().forEach(at -> byHour.computeIfAbsent(at.truncatedTo(ChronoUnit.HOURS), h -> new long[2])[1]++);
        return byHour;
    }

    /** Every hour from the first to the last with activity in any run. */
    private static List<Instant> hours(List<Map<Instant, long[]>> perRun) {
        Instant first = null;
        Instant last = null;
        for (Map<Instant, long[]> run : perRun) {
            for (Instant hour : run.keySet()) {
                first = first == null || hour.isBefore(first) ? hour : first;
                last = last == null || hour.isAfter(last) ? hour : last;
            }
        }
        List<Instant> hours = new ArrayList<>();
        for (Instant h = first; h != null && !h.isAfter(last); h = h.plus(1, ChronoUnit.HOURS)) {
            hours.add(h);
        }
        return hours;
    }

    /** Money with at least two decimals, as {@code report} writes it. */
    private static BigDecimal money(BigDecimal value) {
        return value.scale() < 2 ? value.setScale(2) : value;
    }
}
