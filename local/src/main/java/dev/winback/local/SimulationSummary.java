package dev.winback.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.InMemoryRecallLedgers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The closing summary of {@code ./winback simulate}: what was read and set aside, the simulated and
 * the wall-clock time, decisions by trigger, messages by channel, coupons and spend, conversions, and
 * where everything was written. The quarantined lines and the conversions are read back from the files
 * just written, so the summary shows what the files hold.
 */
final class SimulationSummary {

    /** Quarantined lines shown with their line numbers; the rest are counted. */
    static final int QUARANTINE_SHOWN = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulationSummary() {
    }

    static void print(PrintWriter out, Path trace, Simulation.Outcome outcome, TraceWatch watch, Path dir,
                      String store) throws IOException {
        String file = trace.getFileName().toString();
        out.printf(Locale.ROOT, "read %s: %,d lines, %,d events, %,d applied, %,d duplicates dropped, %,d quarantined%s%n",
                file, outcome.lines(), outcome.received(), outcome.applied(), outcome.duplicates(), outcome.quarantined(),
                outcome.quarantinedByReason().isEmpty() ? "" : " " + outcome.quarantinedByReason());
        quarantined(out, file, dir.resolve("quarantine.jsonl"), outcome.quarantined());

        Duration wall = watch.wallTime();
        double seconds = Math.max(1e-3, wall.toNanos() / 1e9);
        out.printf(Locale.ROOT, "time: simulated %s, wall %.1f s, %,.0f events/s%n",
                span(watch.firstEvent(), watch.clockNow()), seconds, outcome.received() / seconds);
        out.printf(Locale.ROOT, "state: %,d users, %,d zones/merchants, %,d state writes, %,d timers armed%n",
                outcome.users().size(), outcome.ops().size(), outcome.writes(), outcome.timersArmed());

        DecisionCounts decided = outcome.decisionCounts();
        out.printf(Locale.ROOT, "decisions: %,d %s%n", decided.total(), decided.byOutcome());
        decided.byKind().forEach((trigger, outcomes) -> out.printf(Locale.ROOT, "  %-28s %,7d %s%n",
                trigger, outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes));

        Map<String, Integer> byChannel = new TreeMap<>();
        outcome.sends().forEach(s -> byChannel.merge(s.message().channel(), 1, Integer::sum));
        out.printf(Locale.ROOT, "messages: %,d%s%n", outcome.sends().size(), byChannel.isEmpty() ? "" : " " + byChannel);

        BigDecimal spend = outcome.coupons().stream().map(InMemoryRecallLedgers.IssuedCoupon::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        out.printf(Locale.ROOT, "coupons: %,d, spend %s%n", outcome.coupons().size(), spend.toPlainString());
        out.printf(Locale.ROOT, "conversions: %s%n", conversions(dir.resolve(ConversionFiles.CONVERSIONS)));
        out.printf("store: %s%n", store);
        out.printf("wrote %s/{users,ops,quarantine,decisions,sends,coupons,conversions,campaigns}.jsonl"
                + " (./winback report --out %s)%n", dir, dir);
        out.flush();
    }

    /**
     * What a decision's trigger counts under: {@code deadline}, {@code dormant}, {@code scenario:<name>},
     * {@code journey:<name>} (steps together) and {@code campaign} (every site campaign together).
     */
    static String triggerKind(String trigger) {
        if (trigger.startsWith("campaign:")) {
            return "campaign";
        }
        if (trigger.startsWith("journey:")) {
            int step = trigger.indexOf(':', "journey:".length());
            return step < 0 ? trigger : trigger.substring(0, step);
        }
        return trigger;
    }

    /** The first few quarantined lines as {@code trace.jsonl line 17: field "ts": message (code)}. */
    private static void quarantined(PrintWriter out, String file, Path quarantine, int count) throws IOException {
        if (count == 0 || !Files.exists(quarantine)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(quarantine, StandardCharsets.UTF_8)) {
            int shown = 0;
            for (String line = reader.readLine(); line != null && shown < QUARANTINE_SHOWN; line = reader.readLine()) {
                out.println("  " + quarantineLine(file, JSON.readTree(line)));
                shown++;
            }
            if (count > shown) {
                out.printf(Locale.ROOT, "  ... %,d more in %s%n", count - shown, quarantine);
            }
        }
    }

    static String quarantineLine(String file, JsonNode record) {
        JsonNode reason = record.path("reason");
        String field = reason.path("field").isTextual() ? "field \"" + reason.path("field").asText() + "\": " : "";
        String message = reason.path("message").asText();
        int parserDetail = message.indexOf(" (start marker at [Source");
        if (parserDetail < 0) {
            parserDetail = message.indexOf(" at [Source");
        }
        if (parserDetail > 0) {
            message = message.substring(0, parserDetail); // the parser's own location: the line says where
        }
        return file + " line " + record.path("line").asInt() + ": " + field + message
                + " (" + reason.path("code").asText() + ")";
    }

    private static String span(Instant first, Instant last) {
        if (first == null || last == null) {
            return "nothing (no event had a valid time)";
        }
        Duration length = Duration.between(first, last);
        String days = length.toDays() > 0 ? length.toDays() + " d " : "";
        return String.format(Locale.ROOT, "%s to %s (%s%d h %02d min)", first, last, days,
                length.toHoursPart(), length.toMinutesPart());
    }

    /** Orders attributed to a touch, by group (treated or the holdout control), from conversions.jsonl. */
    private static String conversions(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "none";
        }
        Map<String, Integer> byGroup = new TreeMap<>();
        int total = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    byGroup.merge(JSON.readTree(line).path("group").asText("?"), 1, Integer::sum);
                    total++;
                }
            }
        }
        StringJoiner groups = new StringJoiner(", ", " (", ")");
        byGroup.forEach((group, n) -> groups.add(group + " " + n));
        return String.format(Locale.ROOT, "%,d orders attributed to a touch%s", total, total == 0 ? "" : groups.toString());
    }
}
