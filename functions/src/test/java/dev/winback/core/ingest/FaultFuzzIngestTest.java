package dev.winback.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.event.EventType;
import dev.winback.core.event.Rejection;
import dev.winback.core.policy.Policy;
import dev.winback.testing.Policies;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the decoder through the whole batch: each batch holds 100 generated malformed records
 * (invalid JSON and bytes, wrong types, missing fields, huge strings, unicode edge cases, deep
 * nesting, numbers out of range, bad and future timestamps, unknown types) shuffled with 20 good
 * ones, and runs through {@link StreamIngest} with an in-memory store. Every malformed record must
 * be quarantined once with a known reason code and a message, every good record applied, nothing
 * reported failed, and no exception may escape. 120 batches: 12,000 malformed records.
 *
 * <p>The generators are plain methods over a {@link SplittableRandom} seeded from {@link #SEED} and
 * the batch index, so any batch can be rebuilt alone: {@code -Dfuzz.batch=37} runs only that batch,
 * {@code -Dfuzz.seed=N} tries another seed. A failing batch is first reduced by removing records
 * while it still fails, and the records left are printed with the family that made them.
 */
class FaultFuzzIngestTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261122L);
    private static final Integer ONLY_BATCH = Integer.getInteger("fuzz.batch");
    private static final int BATCHES = 120;
    private static final int MALFORMED_PER_BATCH = 100;
    private static final int GOOD_PER_BATCH = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Policy POLICY = Policies.DEFAULTS;
    private static final Instant ARRIVAL = Instant.parse("2026-11-22T10:00:00Z");
    private static final Set<String> CODES = Set.of(Rejection.TOO_LARGE, Rejection.INVALID_JSON, Rejection.NOT_AN_OBJECT,
            Rejection.MISSING_FIELD, Rejection.INVALID_FIELD, Rejection.UNKNOWN_TYPE, Rejection.FUTURE_TIMESTAMP);

    private static final AtomicInteger MALFORMED = new AtomicInteger();
    private static final Map<String, Integer> BY_CODE = new TreeMap<>();

    static IntStream batches() {
        return ONLY_BATCH != null ? IntStream.of(ONLY_BATCH) : IntStream.range(0, BATCHES);
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batches")
    void malformedRecordsAreQuarantinedAndTheGoodOnesApplied(int batch) {
        Gen gen = new Gen(batchRandom(SEED, batch));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < MALFORMED_PER_BATCH; i++) {
            Family family = gen.pick(FAMILIES);
            items.add(new Item(family.name(), family.generator().apply(gen), null));
        }
        long salt = gen.random.nextLong();
        for (int i = 0; i < GOOD_PER_BATCH; i++) {
            items.add(good(i, salt));
        }
        Collections.shuffle(items, gen.random);

        Outcome outcome = run(items);
        if (outcome.failure() != null) {
            List<Item> smallest = minimize(items);
            fail("seed " + SEED + ", batch " + batch + " (rerun alone with -Dfuzz.seed=" + SEED + " -Dfuzz.batch=" + batch
                    + "): " + outcome.failure() + "\nreduced to " + smallest.size() + " of " + items.size()
                    + " records, still failing with: " + run(smallest).failure() + "\n" + describe(smallest),
                    outcome.cause());
        }
        synchronized (BY_CODE) {
            MALFORMED.addAndGet(outcome.held().size());
            outcome.held().forEach(q -> BY_CODE.merge(q.reason().code(), 1, Integer::sum));
        }
    }

    @AfterAll
    static void atLeastTenThousand() {
        System.out.println("fuzz (seed " + SEED + "): " + MALFORMED.get() + " malformed records quarantined " + BY_CODE
                + ", none lost, no batch crashed");
        if (ONLY_BATCH == null) {
            assertTrue(MALFORMED.get() >= 10_000, "at least 10,000 malformed records, got " + MALFORMED.get());
        }
    }

    /**
     * The batch-th stream split off the seed's: independent of the other batches, and rebuilt without
     * generating the batches before it.
     */
    static SplittableRandom batchRandom(long seed, int batch) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom stream = root.split();
        for (int i = 0; i < batch; i++) {
            stream = root.split();
        }
        return stream;
    }

    // ------------------------------------------------------------------------------ one batch

    /** A record to put in a batch: malformed (made by {@code kind}) or good (a login of {@code goodUser}). */
    record Item(String kind, byte[] data, String goodUser) {
    }

    /** A batch's result: the first broken expectation (null if none) and what was quarantined. */
    record Outcome(String failure, Throwable cause, List<Quarantine.QuarantinedRecord> held) {
    }

    /** Runs the items as one Kinesis batch and checks every expectation; never throws. */
    private static Outcome run(List<Item> items) {
        List<StreamRecord> records = new ArrayList<>();
        Set<String> malformedSequences = new HashSet<>();
        for (Item item : items) {
            String sequence = String.format("%056d", records.size() + 1);
            if (item.goodUser() == null) {
                malformedSequences.add(sequence);
            }
            records.add(new StreamRecord(sequence, "fuzz", ARRIVAL, item.data(), "fuzz:" + sequence));
        }
        List<String> goodUsers = items.stream().map(Item::goodUser).filter(u -> u != null).toList();
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingQuarantine quarantine = new CollectingQuarantine();
        try {
            IngestReport report = new StreamIngest(POLICY, store, quarantine, Clock.fixed(ARRIVAL, ZoneOffset.UTC), 4)
                    .ingest(records);

            assertEquals(List.of(), report.failedSequenceNumbers());
            assertEquals(goodUsers.size(), report.applied(), "good records applied");
            List<Quarantine.QuarantinedRecord> held = quarantine.records();
            Set<String> heldSequences = new HashSet<>();
            for (Quarantine.QuarantinedRecord q : held) {
                assertTrue(heldSequences.add(q.record().sequenceNumber()), "quarantined twice: " + q.record().sequenceNumber());
                assertTrue(CODES.contains(q.reason().code()), "unknown reason " + q.reason());
                assertFalse(q.reason().message().isBlank(), "a reason without a message");
            }
            assertEquals(malformedSequences, heldSequences, "exactly the malformed records are quarantined");
            assertEquals(malformedSequences.size(), report.quarantined());
            for (String user : goodUsers) {
                assertTrue(store.all().containsKey(SubjectKey.user(user)), user + " was applied");
            }
            return new Outcome(null, null, held);
        } catch (AssertionError | RuntimeException | StackOverflowError e) {
            return new Outcome(e.toString(), e, List.of());
        }
    }

    /**
     * Removes records, in halving chunks down to single ones, as long as the batch still fails: what
     * is left is usually the one record that matters. Bounded, since each step runs a batch.
     */
    private static List<Item> minimize(List<Item> items) {
        List<Item> current = items;
        int runs = 0;
        for (int chunk = current.size() / 2; chunk >= 1 && runs < 2_000; chunk /= 2) {
            int start = 0;
            while (start < current.size() && runs < 2_000) {
                List<Item> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(start + chunk, current.size()), current.size()));
                runs++;
                if (!candidate.isEmpty() && run(candidate).failure() != null) {
                    current = candidate;
                } else {
                    start += chunk;
                }
            }
        }
        return current;
    }

    /** The records, one a line: their family and their bytes (text if UTF-8, else Base64; long ones cut). */
    private static String describe(List<Item> items) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            out.append("  #").append(i + 1).append(' ')
                    .append(item.goodUser() == null ? item.kind() : "good (" + item.goodUser() + ")")
                    .append(", ").append(item.data().length).append(" bytes: ").append(printable(item.data())).append('\n');
        }
        return out.toString();
    }

    private static String printable(byte[] data) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            StringBuilder escaped = new StringBuilder("text \"");
            text.chars().forEach(c -> escaped.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
            text = escaped.append('"').toString();
        } catch (CharacterCodingException e) {
            text = "base64 " + Base64.getEncoder().encodeToString(data);
        }
        return text.length() <= 1_000 ? text
                : text.substring(0, 600) + " ...(" + (text.length() - 800) + " characters cut)... " + text.substring(text.length() - 200);
    }

    // -------------------------------------------------------------------------------- families

    /** One kind of malformed record and the method that makes one. */
    record Family(String name, Function<Gen, byte[]> generator) {
    }

    /** Every family is equally likely for each malformed record. */
    private static final List<Family> FAMILIES = List.of(
            new Family("not JSON", FaultFuzzIngestTest::notJson),
            new Family("not an object", FaultFuzzIngestTest::notAnObject),
            new Family("truncated", FaultFuzzIngestTest::truncated),
            new Family("missing field", FaultFuzzIngestTest::missingField),
            new Family("wrong type", FaultFuzzIngestTest::wrongType),
            new Family("too long id", FaultFuzzIngestTest::tooLongId),
            new Family("too large", FaultFuzzIngestTest::tooLarge),
            new Family("unicode garbage", FaultFuzzIngestTest::unicodeGarbage),
            new Family("deep nesting", FaultFuzzIngestTest::deepNesting),
            new Family("out of range", FaultFuzzIngestTest::outOfRange),
            new Family("bad timestamp", FaultFuzzIngestTest::badTimestamp),
            new Family("future timestamp", FaultFuzzIngestTest::futureTimestamp),
            new Family("unknown type", FaultFuzzIngestTest::unknownType));

    /** Random bytes (often invalid UTF-8) and random text that is never a JSON object. */
    static byte[] notJson(Gen g) {
        return g.oneOf(
                () -> g.until(() -> g.bytes(0, 300), b -> b.length == 0 || b[0] != '{', "bytes not starting with '{'"),
                () -> g.until(() -> ("{" + g.anyChars(0, 200)).getBytes(StandardCharsets.UTF_8),
                        b -> !parsesAsObject(b), "text that is not an object"));
    }

    /** Valid JSON, but not an object: arrays, strings, numbers, literals. */
    static byte[] notAnObject(Gen g) {
        BigInteger bound = BigInteger.TEN.pow(30);
        String json = g.oneOf(
                () -> "[" + validEvent(g) + "]",
                () -> JSON.valueToTree(g.anyChars(0, 50)).toString(),
                () -> g.between(bound.negate(), bound).toString(),
                () -> g.pick("true", "false", "null", "[]", "1e400", "-0"));
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid event cut short anywhere. */
    static byte[] truncated(Gen g) {
        String event = validEvent(g);
        return event.substring(0, g.between(0, event.length() - 1)).getBytes(StandardCharsets.UTF_8);
    }

    /** A valid event without one of its required fields (the envelope's or its type's), or with it null. */
    static byte[] missingField(Gen g) {
        ObjectNode node = validEventNode(g);
        String field = g.pick(required(node));
        return g.random.nextBoolean() ? bytes(node.without(field)) : bytes(node.putNull(field));
    }

    /** A required field with a value of the wrong JSON type. */
    static byte[] wrongType(Gen g) {
        ObjectNode node = validEventNode(g);
        Object value = g.pick(42, 3.5, true, false, List.of("a"), Map.of("k", "v"), List.of(), Map.of());
        List<String> fields = required(node);
        fields.removeIf(f -> f.equals("price") || f.equals("amount")); // money may be a number
        String field = g.pick(fields);
        if (field.equals("quantity") && value instanceof Integer || field.equals("optedIn") && value instanceof Boolean) {
            value = List.of(1); // an integer quantity or a boolean opt-in would be right
        }
        node.set(field, JSON.valueToTree(value));
        return bytes(node);
    }

    /** Ids beyond 128 characters (event or user), blank event ids. */
    static byte[] tooLongId(Gen g) {
        return g.oneOf(
                () -> bytes(validEventNode(g).put(g.pick("eventId", "userId"), g.chars(ALPHA, 129, 5_000))),
                () -> bytes(validEventNode(g).put("eventId", g.pick("", " ", "\t\n", "\u2003\u2003"))));
    }

    /** Over the 64 KiB record limit, whatever it holds. */
    static byte[] tooLarge(Gen g) {
        return bytes(validEventNode(g).put("padding", "x".repeat(g.between(65_537, 200_000))));
    }

    /** Unicode edge cases (lone surrogates, BOM, RTL marks, NUL, emoji halves) as the event type. */
    static byte[] unicodeGarbage(Gen g) {
        StringBuilder edgy = new StringBuilder("\ud800\udfff\ufeff\u202e\u0000\u00e9\u4e2d\ud83d");
        for (char c = '\ude00'; c <= '\ude4f'; c++) {
            edgy.append(c);
        }
        String type = g.chars(edgy.toString(), 1, 40);
        return bytes(validEventNode(g).put("type", type.isBlank() ? type + "x" : type));
    }

    /** Nesting deeper than the parser allows, or nested structures where a string is required. */
    static byte[] deepNesting(Gen g) {
        String json = g.oneOf(
                () -> {
                    int depth = g.between(1_001, 5_000);
                    return "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                },
                () -> {
                    ObjectNode node = validEventNode(g);
                    int depth = g.between(2, 200);
                    return "{\"eventId\":" + "[".repeat(depth) + "\"e\"" + "]".repeat(depth) + ","
                            + node.toString().substring(1).replaceFirst("\"eventId\":\"[^\"]*\",?", "");
                });
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Numbers the format bounds: quantities, fractions, coordinates, negative money. */
    static byte[] outOfRange(Gen g) {
        String json = g.oneOf(
                () -> event("cart_add", "\"itemId\":\"i-1\",\"price\":\"9.90\",\"quantity\":"
                        + g.pick("0", "-1", "1.5", "2147483648", "1e400", "99999999999999999999")),
                () -> event("delivery_pressure", "\"zone\":\"z-1\",\"value\":" + g.pick("1.0000001", "-0.1", "1e308", "2")),
                () -> event("order_placed", "\"orderId\":\"o-1\",\"amount\":"
                        + g.pick("-0.01", "\"-5\"", "\"12,50\"", "\"NaN\"", "\"\"", "\"1e\"")),
                () -> event("profile_updated", "\"lat\":" + g.pick("91", "-90.5e1", "180.0001", "\"north\"")));
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Timestamps that are not RFC 3339 instants. */
    static byte[] badTimestamp(Gen g) {
        return g.until(() -> {
            String at = g.oneOf(
                    () -> g.pick("2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T24:00:01Z",
                            "2026-11-22T10:00Z", "2026-11-22 10:00:00", "2026-11-22T10:00:00", "22/11/2026",
                            "yesterday", "2026-11-22T10:00:00+25:00", "1763805600", "2026-11-22T10:00:60Z",
                            "2026-W47-7T10:00:00Z", "２０２６-11-22T10:00:00Z", "-275760-09-13T00:00:00Z",
                            "+275760-09-13T00:00:00Z", "-2026-11-22T10:00:00Z", "20261-11-22T10:00:00Z"),
                    () -> g.anyChars(0, 30));
            return bytes(validEventNode(g).put("occurredAt", at));
        }, b -> !parsesAsObject(b) || !acceptedTimestamp(b), "a timestamp that is not accepted");
    }

    /** Stamped more than 5 minutes after the record reached the stream. */
    static byte[] futureTimestamp(Gen g) {
        long ahead = g.between(301L, 10L * 365 * 86_400);
        return bytes(validEventNode(g).put("occurredAt", ARRIVAL.plusSeconds(ahead).toString()));
    }

    private static final Set<String> KNOWN_TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toSet());

    /** Types the format does not define, including near misses. */
    static byte[] unknownType(Gen g) {
        String type = g.until(() -> g.oneOf(
                        () -> g.pick("Login", "LOGIN", "login ", " login", "page-enter", "order", "cart_add\u0000", "logIn"),
                        () -> g.chars(ALPHA + DIGITS + "_-", 1, 60)),
                t -> !KNOWN_TYPES.contains(t) && !t.isBlank(), "an unknown type");
        return bytes(validEventNode(g).put("type", type));
    }

    // ---------------------------------------------------------------------------- valid events

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
    private static final List<String> TYPES = List.copyOf(new TreeSet<>(TEMPLATES.keySet()));

    /** A valid event of a random type, as a fresh node to break. */
    static ObjectNode validEventNode(Gen g) {
        String type = g.pick(TYPES);
        int n = g.between(0, 999);
        long back = g.between(0L, 86_400L);
        return (ObjectNode) read(event(type, TEMPLATES.get(type), "fz-" + n, "u-fz-" + n, ARRIVAL.minusSeconds(back)));
    }

    private static String validEvent(Gen g) {
        return validEventNode(g).toString();
    }

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
    private static Item good(int i, long salt) {
        String user = "u-good-" + i;
        byte[] data = event("login", "", "good-" + salt + "-" + i, user, ARRIVAL.minusSeconds(30 + i))
                .getBytes(StandardCharsets.UTF_8);
        return new Item("good", data, user);
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean parsesAsObject(byte[] data) {
        try {
            return JSON.readTree(data) instanceof ObjectNode;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

    /** Whether occurredAt is a real RFC 3339 instant no later than the stream allows (then it is not "bad"). */
    private static boolean acceptedTimestamp(byte[] data) {
        try {
            String text = JSON.readTree(data).path("occurredAt").asText();
            return RFC_3339.matcher(text).matches() && OffsetDateTime.parse(text).toInstant().isBefore(ARRIVAL.plusSeconds(300));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------ generator

    private static final String ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";

    /** The few draws the families need, all from one seeded stream so a batch is reproducible. */
    static final class Gen {

        final SplittableRandom random;

        Gen(SplittableRandom random) {
            this.random = random;
        }

        int between(int min, int max) {
            return random.nextInt(min, max + 1);
        }

        long between(long min, long max) {
            return random.nextLong(min, max + 1);
        }

        BigInteger between(BigInteger min, BigInteger max) {
            byte[] bits = new byte[max.subtract(min).bitLength() / 8 + 8];
            random.nextBytes(bits);
            return new BigInteger(1, bits).mod(max.subtract(min).add(BigInteger.ONE)).add(min);
        }

        <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        @SafeVarargs
        final <T> T pick(T... values) {
            return values[random.nextInt(values.length)];
        }

        /** One of the alternatives, each equally likely. */
        @SafeVarargs
        final <T> T oneOf(Supplier<T>... alternatives) {
            return alternatives[random.nextInt(alternatives.length)].get();
        }

        /** Draws again until the value fits; a generator that keeps missing is a bug in this test. */
        <T> T until(Supplier<T> draw, Predicate<T> fits, String what) {
            for (int tries = 0; tries < 10_000; tries++) {
                T value = draw.get();
                if (fits.test(value)) {
                    return value;
                }
            }
            throw new IllegalStateException("no " + what + " in 10,000 draws");
        }

        /** A string of {@code min..max} characters from {@code alphabet}. */
        String chars(String alphabet, int min, int max) {
            char[] out = new char[between(min, max)];
            for (int i = 0; i < out.length; i++) {
                out[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            return new String(out);
        }

        /** A string of {@code min..max} arbitrary UTF-16 units: controls, surrogate halves, anything. */
        String anyChars(int min, int max) {
            char[] out = new char[between(min, max)];
            for (int i = 0; i < out.length; i++) {
                out[i] = (char) random.nextInt(0x1_0000);
            }
            return new String(out);
        }

        byte[] bytes(int min, int max) {
            byte[] out = new byte[between(min, max)];
            random.nextBytes(out);
            return out;
        }
    }
}
