package dev.winback.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.event.EventType;
import dev.winback.core.event.Rejection;
import dev.winback.core.policy.Policy;
import dev.winback.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the decoder through the whole batch: each try builds a Kinesis batch of 100 generated
 * malformed records (invalid JSON and bytes, wrong types, missing fields, huge strings, unicode
 * edge cases, deep nesting, numbers out of range, bad and future timestamps, unknown types)
 * interleaved with 20 good ones, and runs it through {@link StreamIngest} with an in-memory store.
 * Every malformed record must be quarantined once with a known reason code and a message, every
 * good record applied, nothing reported failed, and no exception may escape. 120 tries: 12,000
 * malformed records.
 */
class FaultFuzzIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Policy POLICY = Policies.DEFAULTS;
    private static final Instant ARRIVAL = Instant.parse("2026-11-22T10:00:00Z");
    private static final Set<String> CODES = Set.of(Rejection.TOO_LARGE, Rejection.INVALID_JSON, Rejection.NOT_AN_OBJECT,
            Rejection.MISSING_FIELD, Rejection.INVALID_FIELD, Rejection.UNKNOWN_TYPE, Rejection.FUTURE_TIMESTAMP);
    private static final int MALFORMED_PER_BATCH = 100;
    private static final int GOOD_PER_BATCH = 20;

    private static final AtomicInteger MALFORMED = new AtomicInteger();
    private static final Map<String, Integer> BY_CODE = new TreeMap<>();

    @Property(tries = 120, seed = "20261122", edgeCases = EdgeCasesMode.NONE)
    void malformedRecordsAreQuarantinedAndTheGoodOnesApplied(
            @ForAll("malformedBatches") List<byte[]> malformed, @ForAll("shuffle") long shuffleSeed) {
        List<StreamRecord> records = new ArrayList<>();
        java.util.Random random = new java.util.Random(shuffleSeed);
        List<Object> mixed = new ArrayList<>(malformed);
        for (int i = 0; i < GOOD_PER_BATCH; i++) {
            mixed.add(i); // the i-th good event
        }
        java.util.Collections.shuffle(mixed, random);
        Set<String> malformedSequences = new java.util.HashSet<>();
        for (Object item : mixed) {
            String sequence = String.format("%056d", records.size() + 1);
            byte[] data = item instanceof byte[] bytes ? bytes : good((Integer) item, shuffleSeed);
            if (item instanceof byte[]) {
                malformedSequences.add(sequence);
            }
            records.add(new StreamRecord(sequence, "fuzz", ARRIVAL, data, "fuzz:" + sequence));
        }
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingQuarantine quarantine = new CollectingQuarantine();

        IngestReport report = new StreamIngest(POLICY, store, quarantine, Clock.fixed(ARRIVAL, ZoneOffset.UTC), 4)
                .ingest(records);

        assertEquals(List.of(), report.failedSequenceNumbers());
        assertEquals(GOOD_PER_BATCH, report.applied(), "good records applied");
        List<Quarantine.QuarantinedRecord> held = quarantine.records();
        Set<String> heldSequences = new java.util.HashSet<>();
        for (Quarantine.QuarantinedRecord q : held) {
            assertTrue(heldSequences.add(q.record().sequenceNumber()), "quarantined twice: " + q.record().sequenceNumber());
            assertTrue(CODES.contains(q.reason().code()), "unknown reason " + q.reason());
            assertFalse(q.reason().message().isBlank(), "a reason without a message");
        }
        assertEquals(malformedSequences, heldSequences, "exactly the malformed records are quarantined");
        assertEquals(MALFORMED_PER_BATCH, report.quarantined());
        for (int i = 0; i < GOOD_PER_BATCH; i++) {
            assertTrue(store.all().containsKey(SubjectKey.user("u-good-" + i)), "u-good-" + i + " was applied");
        }
        synchronized (BY_CODE) {
            MALFORMED.addAndGet(held.size());
            held.forEach(q -> BY_CODE.merge(q.reason().code(), 1, Integer::sum));
        }
    }

    @AfterContainer
    static void atLeastTenThousand() {
        System.out.println("fuzz: " + MALFORMED.get() + " malformed records quarantined " + BY_CODE
                + ", none lost, no batch crashed");
        assertTrue(MALFORMED.get() >= 10_000, "at least 10,000 malformed records, got " + MALFORMED.get());
    }

    @Provide
    Arbitrary<Long> shuffle() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<List<byte[]>> malformedBatches() {
        return malformed().list().ofSize(MALFORMED_PER_BATCH);
    }

    /** One malformed record, from every family at once. */
    static Arbitrary<byte[]> malformed() {
        return Arbitraries.oneOf(
                notJson(), notAnObject(), truncated(), missingField(), wrongType(), tooLongId(), tooLarge(),
                unicodeGarbage(), deepNesting(), outOfRange(), badTimestamp(), futureTimestamp(), unknownType());
    }

    // -------------------------------------------------------------------------------- families

    /** Random bytes (often invalid UTF-8) and random text that is never a JSON object. */
    private static Arbitrary<byte[]> notJson() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300)
                .filter(b -> b.length == 0 || b[0] != '{');
        Arbitrary<byte[]> text = Arbitraries.strings().all().ofMaxLength(200)
                .map(s -> ("{" + s).getBytes(StandardCharsets.UTF_8))
                .filter(b -> !parsesAsObject(b));
        return Arbitraries.oneOf(bytes, text);
    }

    /** Valid JSON, but not an object: arrays, strings, numbers, literals. */
    private static Arbitrary<byte[]> notAnObject() {
        return Arbitraries.oneOf(
                validEvent().map(e -> "[" + e + "]"),
                Arbitraries.strings().ofMaxLength(50).map(s -> JSON.valueToTree(s).toString()),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                        .map(Object::toString),
                Arbitraries.of("true", "false", "null", "[]", "1e400", "-0"))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid event cut short anywhere. */
    private static Arbitrary<byte[]> truncated() {
        return validEvent().flatMap(e -> Arbitraries.integers().between(0, e.length() - 1)
                .map(cut -> e.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
    }

    /** A valid event without one of its required fields (the envelope's or its type's). */
    private static Arbitrary<byte[]> missingField() {
        return validEventNode().flatMap(node -> Combinators.combine(Arbitraries.of(required(node)), Arbitraries.of(true, false))
                .as((field, remove) -> {
                    ObjectNode copy = node.deepCopy();
                    return bytes(remove ? copy.without(field) : copy.putNull(field));
                }));
    }

    /** A required field with a value of the wrong JSON type. */
    private static Arbitrary<byte[]> wrongType() {
        Arbitrary<Object> wrong = Arbitraries.of(42, 3.5, true, false, List.of("a"), Map.of("k", "v"), List.of(), Map.of());
        return Combinators.combine(validEventNode(), wrong).as((node, value) -> {
            List<String> fields = required(node);
            fields.removeIf(f -> f.equals("price") || f.equals("amount")); // money may be a number
            String field = fields.get(Math.floorMod(value.hashCode() + node.hashCode(), fields.size()));
            if (field.equals("quantity") && value instanceof Integer || field.equals("optedIn") && value instanceof Boolean) {
                value = List.of(1); // an integer quantity or a boolean opt-in would be right
            }
            ObjectNode copy = node.deepCopy();
            copy.set(field, JSON.valueToTree(value));
            return bytes(copy);
        });
    }

    /** Ids beyond 128 characters (event or user), blank event ids. */
    private static Arbitrary<byte[]> tooLongId() {
        Arbitrary<byte[]> tooLong = Combinators.combine(validEventNode(),
                        Arbitraries.strings().alpha().ofMinLength(129).ofMaxLength(5000), Arbitraries.of("eventId", "userId"))
                .as((node, id, field) -> bytes(node.deepCopy().put(field, id)));
        Arbitrary<byte[]> blank = Combinators.combine(validEventNode(), Arbitraries.of("", " ", "\t\n", "\u2003\u2003"))
                .as((node, id) -> bytes(node.deepCopy().put("eventId", id)));
        return Arbitraries.oneOf(tooLong, blank);
    }

    /** Over the 64 KiB record limit, whatever it holds. */
    private static Arbitrary<byte[]> tooLarge() {
        return Combinators.combine(validEventNode(), Arbitraries.integers().between(65_537, 200_000))
                .as((node, size) -> bytes(node.deepCopy().put("padding", "x".repeat(size))));
    }

    /** Unicode edge cases (lone surrogates, BOM, RTL marks, NUL, emoji) as the event type. */
    private static Arbitrary<byte[]> unicodeGarbage() {
        Arbitrary<String> edgy = Arbitraries.strings()
                .withChars('\ud800', '\udfff', '\ufeff', '\u202e', '\u0000', '\u00e9', '\u4e2d')
                .withCharRange('\ud83d', '\ud83d').withCharRange('\ude00', '\ude4f')
                .ofMinLength(1).ofMaxLength(40);
        return Combinators.combine(validEventNode(), edgy).as((node, type) -> {
            String wire = type.isBlank() ? type + "x" : type;
            return bytes(node.deepCopy().put("type", wire));
        });
    }

    /** Nesting deeper than the parser allows, or nested structures where a string is required. */
    private static Arbitrary<byte[]> deepNesting() {
        Arbitrary<byte[]> tooDeep = Arbitraries.integers().between(1_001, 5_000)
                .map(depth -> ("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> nestedId = Combinators.combine(validEventNode(), Arbitraries.integers().between(2, 200))
                .as((node, depth) -> ("{\"eventId\":" + "[".repeat(depth) + "\"e\"" + "]".repeat(depth) + ","
                        + node.toString().substring(1).replaceFirst("\"eventId\":\"[^\"]*\",?", ""))
                        .getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(tooDeep, nestedId);
    }

    /** Numbers the format bounds: quantities, fractions, coordinates, negative money. */
    private static Arbitrary<byte[]> outOfRange() {
        Arbitrary<String> quantity = Arbitraries.of("0", "-1", "1.5", "2147483648", "1e400", "99999999999999999999");
        Arbitrary<String> fraction = Arbitraries.of("1.0000001", "-0.1", "1e308", "2");
        Arbitrary<String> money = Arbitraries.of("-0.01", "\"-5\"", "\"12,50\"", "\"NaN\"", "\"\"", "\"1e\"");
        return Arbitraries.oneOf(
                quantity.map(q -> event("cart_add", "\"itemId\":\"i-1\",\"price\":\"9.90\",\"quantity\":" + q)),
                fraction.map(f -> event("delivery_pressure", "\"zone\":\"z-1\",\"value\":" + f)),
                money.map(m -> event("order_placed", "\"orderId\":\"o-1\",\"amount\":" + m)),
                Arbitraries.of("91", "-90.5e1", "180.0001", "\"north\"")
                        .map(lat -> event("profile_updated", "\"lat\":" + lat)))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** Timestamps that are not RFC 3339 instants. */
    private static Arbitrary<byte[]> badTimestamp() {
        Arbitrary<String> bad = Arbitraries.oneOf(
                Arbitraries.of("2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T24:00:01Z",
                        "2026-11-22T10:00Z", "2026-11-22 10:00:00", "2026-11-22T10:00:00", "22/11/2026",
                        "yesterday", "2026-11-22T10:00:00+25:00", "1763805600", "2026-11-22T10:00:60Z",
                        "2026-W47-7T10:00:00Z", "２０２６-11-22T10:00:00Z", "-275760-09-13T00:00:00Z",
                        "+275760-09-13T00:00:00Z", "-2026-11-22T10:00:00Z", "20261-11-22T10:00:00Z"),
                Arbitraries.strings().ofMaxLength(30));
        return Combinators.combine(validEventNode(), bad).as((node, at) -> bytes(node.deepCopy().put("occurredAt", at)))
                .filter(b -> !parsesAsObject(b) || !acceptedTimestamp(b));
    }

    /** Stamped more than 5 minutes after the record reached the stream. */
    private static Arbitrary<byte[]> futureTimestamp() {
        return Combinators.combine(validEventNode(), Arbitraries.longs().between(301, 10L * 365 * 86_400))
                .as((node, ahead) -> bytes(node.deepCopy().put("occurredAt", ARRIVAL.plusSeconds(ahead).toString())));
    }

    /** Types the format does not define, including near misses. */
    private static Arbitrary<byte[]> unknownType() {
        Set<String> known = Arrays.stream(EventType.values()).map(EventType::wireName).collect(java.util.stream.Collectors.toSet());
        Arbitrary<String> type = Arbitraries.oneOf(
                Arbitraries.of("Login", "LOGIN", "login ", " login", "page-enter", "order", "cart_add\u0000", "logIn"),
                Arbitraries.strings().alpha().numeric().withChars('_', '-').ofMinLength(1).ofMaxLength(60))
                .filter(t -> !known.contains(t) && !t.isBlank());
        return Combinators.combine(validEventNode(), type).as((node, t) -> bytes(node.deepCopy().put("type", t)));
    }

    // ---------------------------------------------------------------------------- valid events

    /** A valid event of a random type, as a node to break. */
    private static Arbitrary<ObjectNode> validEventNode() {
        return Combinators.combine(Arbitraries.of(new java.util.TreeSet<>(TEMPLATES.keySet())),
                Arbitraries.integers().between(0, 999), Arbitraries.longs().between(0, 86_400))
                .as((type, n, back) -> (ObjectNode) read(event(type, TEMPLATES.get(type), "fz-" + n, "u-fz-" + n,
                        ARRIVAL.minusSeconds(back))));
    }

    private static Arbitrary<String> validEvent() {
        return validEventNode().map(ObjectNode::toString);
    }

    private static final Map<String, String> TEMPLATES = Map.ofEntries(
            Map.entry("login", ""),
            Map.entry("app_leave", ""),
            Map.entry("page_enter", "\"page\":\"order\",\"merchantId\":\"m-1\""),
            Map.entry("click", "\"target\":\"banner\""),
            Map.entry("cart_add", "\"itemId\":\"i-1\",\"price\":\"9.90\",\"quantity\":2"),
            Map.entry("order_placed", "\"orderId\":\"o-1\",\"amount\":25.5"),
            Map.entry("coupon_used", "\"couponId\":\"cp-1\",\"orderId\":\"o-1\""),
            Map.entry("consent_updated", "\"channel\":\"sms\",\"optedIn\":false"),
            Map.entry("message_read", "\"messageId\":\"msg-1\""),
            Map.entry("delivery_pressure", "\"zone\":\"z-1\",\"value\":0.5"),
            Map.entry("merchant_supply", "\"merchantId\":\"m-1\",\"status\":\"tight\""));

    /** The fields a valid event of this node's type cannot do without (ops events need no user). */
    private static List<String> required(ObjectNode node) {
        String type = node.path("type").asText();
        List<String> fields = new ArrayList<>(List.of("eventId", "type", "occurredAt"));
        if (!type.equals("delivery_pressure") && !type.equals("merchant_supply")) {
            fields.add("userId");
        }
        fields.addAll(requiredOf(type));
        return fields;
    }

    private static List<String> requiredOf(String type) {
        return switch (type) {
            case "page_enter" -> List.of("page");
            case "click" -> List.of("target");
            case "cart_add" -> List.of("itemId", "price", "quantity");
            case "order_placed" -> List.of("orderId", "amount");
            case "coupon_used" -> List.of("couponId", "orderId");
            case "consent_updated" -> List.of("channel", "optedIn");
            case "message_read" -> List.of("messageId");
            case "delivery_pressure" -> List.of("zone", "value");
            case "merchant_supply" -> List.of("merchantId", "status");
            default -> List.of();
        };
    }

    private static String event(String type, String fields) {
        return event(type, fields, "fz-x", "u-fz-x", ARRIVAL.minusSeconds(60));
    }

    private static String event(String type, String fields, String eventId, String userId, Instant at) {
        return "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + userId + "\",\"type\":\"" + type
                + "\",\"occurredAt\":\"" + at + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    /** The i-th good event of a batch: a login of its own user. */
    private static byte[] good(int i, long salt) {
        return event("login", "", "good-" + salt + "-" + i, "u-good-" + i, ARRIVAL.minusSeconds(30 + i))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean parsesAsObject(byte[] data) {
        try {
            return JSON.readTree(data) instanceof ObjectNode;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static final java.util.regex.Pattern RFC_3339 =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

    /** Whether occurredAt is a real RFC 3339 instant no later than the stream allows (then it is not "bad"). */
    private static boolean acceptedTimestamp(byte[] data) {
        try {
            String text = JSON.readTree(data).path("occurredAt").asText();
            return RFC_3339.matcher(text).matches()
                    && java.time.OffsetDateTime.parse(text).toInstant().isBefore(ARRIVAL.plusSeconds(300));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

}
