package dev.winback.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.conversion.Attribution;
import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.Order;
import dev.winback.core.conversion.PageVisit;
import dev.winback.core.conversion.Touch;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * C7 in the simulator: {@code conversions.jsonl} (one line per attributed order) from a run's decisions
 * and the trace's orders, and reading it back with {@code decisions.jsonl} for {@code ./winback report}.
 */
final class ConversionFiles {

    static final String CONVERSIONS = "conversions.jsonl";
    static final String DECISIONS = "decisions.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private ConversionFiles() {
    }

    /** The trace's valid orders of users who had a touch, and the page entries attribution can pick as landings. */
    record TraceFacts(List<Order> orders, List<PageVisit> visits) {
    }

    /**
     * Attributes the trace's orders to the run's touches and writes {@code outDir/conversions.jsonl}.
     *
     * @param receivedAt "now" for the decoder's future-timestamp rule, as in the replay
     */
    static Attribution.Result write(Path outDir, Path trace, List<Touch> touches, Policy policy, Instant receivedAt)
            throws IOException {
        Duration window = policy.attribution().window();
        TraceFacts facts = touches.isEmpty() ? new TraceFacts(List.of(), List.of())
                : readTrace(trace, policy, receivedAt, touches, window);
        Attribution.Result result = Attribution.attribute(touches, facts.orders(), facts.visits(), window);
        Files.createDirectories(outDir);
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve(CONVERSIONS), StandardCharsets.UTF_8)) {
            for (Conversion conversion : result.conversions()) {
                out.write(json(conversion).toString());
                out.newLine();
            }
        }
        return result;
    }

    /**
     * Orders and page entries as the ingest accepts them (the same decoder: quarantined lines do not
     * count), each event id once, only for touched users.
     *
     * <p>Of the page entries only candidates for a landing are kept: a conversion's landing is the
     * user's earliest entry at or after its touch (if no later than the order, which is at most
     * {@code window} after the touch), so for each touch only the earliest entry in [touch, touch +
     * window] can be one. Keeping every entry of every touched user held about a third of a long trace.
     */
    static TraceFacts readTrace(Path trace, Policy policy, Instant receivedAt, List<Touch> touches, Duration window)
            throws IOException {
        Map<String, java.util.TreeMap<Instant, Landing>> landings = new java.util.HashMap<>();
        touches.forEach(t -> landings.computeIfAbsent(t.userId(), u -> new java.util.TreeMap<>()).put(t.at(), null));
        EventDecoder decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        List<Order> orders = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long visitsRead = 0;
        try (BufferedReader reader = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.contains("order_placed") && !line.contains("page_enter")) {
                    continue; // a cheap filter before decoding
                }
                if (!(decoder.decode(line.getBytes(StandardCharsets.UTF_8), receivedAt) instanceof Decoded.Accepted accepted)) {
                    continue;
                }
                BehaviorEvent event = accepted.event();
                String user = event.envelope().userId();
                java.util.TreeMap<Instant, Landing> mine = user == null ? null : landings.get(user);
                if (mine == null || !seen.add(event.eventId())) {
                    continue;
                }
                if (event instanceof BehaviorEvent.OrderPlaced order) {
                    orders.add(Order.of(order));
                } else {
                    Optional<PageVisit> entered = PageVisit.of(event);
                    if (entered.isPresent()) {
                        // the touches whose window holds this entry; the first entry at the earliest time wins
                        Landing landing = new Landing(entered.get(), visitsRead++);
                        Instant at = landing.visit().at();
                        for (Map.Entry<Instant, Landing> touch : mine.subMap(at.minus(window), true, at, true).entrySet()) {
                            if (touch.getValue() == null || at.isBefore(touch.getValue().visit().at())) {
                                touch.setValue(landing);
                            }
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException("trace file not found: " + trace, e);
        }
        // Each kept entry once, in trace order (attribution sorts by time, stably, as with every entry).
        java.util.TreeMap<Long, PageVisit> kept = new java.util.TreeMap<>();
        landings.values().forEach(m -> m.values().forEach(l -> {
            if (l != null) {
                kept.put(l.sequence(), l.visit());
            }
        }));
        return new TraceFacts(orders, List.copyOf(kept.values()));
    }

    /** A page entry and its place among the trace's entries. */
    private record Landing(PageVisit visit, long sequence) {
    }

    static ObjectNode json(Conversion c) {
        Touch t = c.touch();
        Order o = c.order();
        ObjectNode json = JSON.createObjectNode();
        json.put("decisionId", t.decisionId());
        json.put("userId", t.userId());
        json.put("trigger", t.trigger());
        json.put("group", t.group().wireName());
        json.put("channel", t.channel());
        json.put("reward", t.reward());
        json.put("scenario", t.scenario());
        json.put("strategy", t.strategy());
        json.put("touchAt", t.at().toString());
        json.put("orderId", o.orderId());
        json.put("orderAt", o.at().toString());
        json.put("minutesToOrder", c.minutesToOrder());
        json.put("amount", o.amount());
        json.put("discount", o.discount());
        json.put("couponId", o.couponId());
        json.put("merchantId", o.merchantId());
        json.put("address", o.address());
        json.put("landingPage", c.landingPage());
        json.put("landingAt", c.landingAt() == null ? null : c.landingAt().toString());
        Duration dwell = c.dwell();
        if (dwell == null) {
            json.putNull("dwellSeconds");
        } else {
            json.put("dwellSeconds", BigDecimal.valueOf(dwell.toMillis()).movePointLeft(3).stripTrailingZeros());
        }
        return json;
    }

    // --- reading back -----------------------------------------------------------------------------

    /** Every touch in a {@code decisions.jsonl} (sent decisions and holdout suppressions), in file order. */
    static List<Touch> readTouches(Path file) throws IOException {
        List<Touch> touches = new ArrayList<>();
        forEachLine(file, (line, json) -> Touch.of(decision(json)).ifPresent(touches::add));
        return touches;
    }

    /** The conversions of a {@code conversions.jsonl}; each must name a touch of {@code touches}. */
    static List<Conversion> readConversions(Path file, Collection<Touch> touches) throws IOException {
        Map<String, Touch> byId = new LinkedHashMap<>();
        touches.forEach(t -> byId.putIfAbsent(t.decisionId(), t));
        List<Conversion> conversions = new ArrayList<>();
        forEachLine(file, (line, json) -> {
            String decisionId = text(json, "decisionId", true);
            Touch touch = byId.get(decisionId);
            if (touch == null) {
                throw new IllegalArgumentException("decision " + decisionId + " is not a sent or holdout decision in "
                        + DECISIONS + " (files from different runs?)");
            }
            String userId = text(json, "userId", true);
            if (!userId.equals(touch.userId())) {
                throw new IllegalArgumentException("userId " + userId + " differs from decision " + decisionId + "'s user");
            }
            Order order = new Order(userId, text(json, "orderId", true), instant(json, "orderAt", true),
                    money(json, "amount", true), money(json, "discount", false), text(json, "couponId", false),
                    text(json, "merchantId", false), text(json, "address", false));
            conversions.add(new Conversion(touch, order, text(json, "landingPage", false), instant(json, "landingAt", false)));
        });
        return conversions;
    }

    /** A {@code decisions.jsonl} line as the decision it records (amounts exactly as written). */
    static Decision decision(String line) throws JsonProcessingException {
        return decision(JSON.readTree(line));
    }

    /** A {@code decisions.jsonl} line as the decision it records. */
    static Decision decision(JsonNode json) {
        String outcome = text(json, "outcome", true);
        Decision.Outcome parsed;
        try {
            parsed = Decision.Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outcome must be sent, suppressed or not_needed, got '" + outcome + "'");
        }
        JsonNode coupon = json.path("coupon");
        Decision.Reward reward = coupon.isObject()
                ? new Decision.Reward(money(coupon, "amount", true), text(coupon, "kind", false)) : null;
        Map<String, Object> details = json.path("details").isObject()
                ? JSON.convertValue(json.get("details"), new TypeReference<Map<String, Object>>() { })
                : Map.of();
        return new Decision(text(json, "decisionId", true), text(json, "userId", true), text(json, "trigger", true),
                instant(json, "at", true), parsed, strings(json, "reasons"), reward, strings(json, "channels"), details);
    }

    @FunctionalInterface
    private interface LineHandler {
        void accept(int line, JsonNode json);
    }

    /** Reads JSON Lines; a missing file, a line that is not a JSON object or is missing a field is one clear error. */
    private static void forEachLine(Path file, LineHandler handler) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + " not found (write it with ./winback simulate --out " + file.getParent() + ")");
        }
        int number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode json = JSON.readTree(line);
                    if (json == null || !json.isObject()) {
                        throw new IllegalArgumentException("not a JSON object");
                    }
                    handler.accept(number, json);
                } catch (JsonProcessingException e) {
                    throw new WinbackCommand.UserError(file + " line " + number + ": not valid JSON: " + e.getOriginalMessage());
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new WinbackCommand.UserError(file + " line " + number + ": " + e.getMessage());
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new WinbackCommand.UserError(file + " line " + (number + 1) + ": not UTF-8 text");
        }
    }

    private static String text(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing " + field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode json, String field, boolean required) {
        String text = text(json, field, required);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an RFC 3339 instant, got '" + text + "'");
        }
    }

    private static BigDecimal money(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing " + field);
            }
            return null;
        }
        try {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            if (value.isTextual()) {
                return new BigDecimal(value.asText());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " must be a decimal number");
    }

    private static List<String> strings(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        value.forEach(v -> out.add(v.asText()));
        return out;
    }
}
