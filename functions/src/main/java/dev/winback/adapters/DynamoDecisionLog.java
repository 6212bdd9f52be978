package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Decisions in the ledger table, under their user so that "what did we decide for this user, and
 * when" is one Query: {@code pk = user#<userId>}, {@code sk = decision#<at>#<decisionId>} where
 * {@code at} is fixed-width UTC to the millisecond (plain {@link Instant#toString()} drops zero
 * fractions and would not sort by time). Attributes: {@code decisionId}, {@code trigger}, {@code at},
 * {@code outcome}, {@code reasons} (L), {@code couponAmount} (N) and {@code couponKind} when a reward
 * was granted, {@code channels} (L), {@code details} (a JSON string: free-form figures) and
 * {@code expiresAt} (TTL, 400 days: more than a year of history for reports).
 *
 * <p>Recording is a plain PutItem of a key and content derived from the decision, so recording the
 * same decision again rewrites the same item. That holds as long as a retried trigger reproduces the
 * decision's {@code at} (the key includes it).
 */
public final class DynamoDecisionLog implements DecisionLog {

    static final Duration KEEP = Duration.ofDays(400);

    private static final DateTimeFormatter SORTABLE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDecisionLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void record(Decision decision) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("user#" + decision.userId()));
        item.put("sk", AttributeValue.fromS(sortKey(decision.at(), decision.decisionId())));
        item.put("decisionId", AttributeValue.fromS(decision.decisionId()));
        item.put("userId", AttributeValue.fromS(decision.userId()));
        item.put("trigger", AttributeValue.fromS(decision.trigger()));
        item.put("at", AttributeValue.fromS(decision.at().toString()));
        item.put("outcome", AttributeValue.fromS(decision.outcome().wireName()));
        item.put("reasons", strings(decision.reasons()));
        item.put("channels", strings(decision.channels()));
        if (decision.coupon() != null) {
            item.put("couponAmount", AttributeValue.fromN(decision.coupon().amount().toPlainString()));
            item.put("couponKind", AttributeValue.fromS(decision.coupon().kind()));
        }
        item.put("details", AttributeValue.fromS(toJson(decision.details())));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(decision.at().plus(KEEP).getEpochSecond())));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    /** The user's decisions with {@code from ≤ at ≤ to} (to the millisecond), oldest first. */
    @Override
    public List<Decision> forUser(String userId, Instant from, Instant to) {
        Map<String, AttributeValue> values = Map.of(
                ":pk", AttributeValue.fromS("user#" + userId),
                ":from", AttributeValue.fromS("decision#" + SORTABLE.format(from)),
                // '#' then U+FFFF sorts after every decision id written at the same millisecond
                ":to", AttributeValue.fromS("decision#" + SORTABLE.format(to) + "#\uffff"));
        List<Decision> found = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(values))
                .items().forEach(item -> found.add(fromItem(item)));
        return found;
    }

    @Override
    public java.util.Optional<Decision> find(String userId, Instant at, String decisionId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("user#" + userId),
                "sk", AttributeValue.fromS(sortKey(at, decisionId))))).item();
        return item == null || item.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(fromItem(item));
    }

    static String sortKey(Instant at, String decisionId) {
        return "decision#" + SORTABLE.format(at) + "#" + decisionId;
    }

    /** The sort key every decision at {@code at} (to the millisecond) starts with, for range reads. */
    static String sortKeyAt(Instant at) {
        return "decision#" + SORTABLE.format(at);
    }

    static Decision fromItem(Map<String, AttributeValue> item) {
        Decision.Reward coupon = item.containsKey("couponAmount")
                ? new Decision.Reward(LedgerRetry.money(item.get("couponAmount").n()), item.get("couponKind").s())
                : null;
        return new Decision(item.get("decisionId").s(), item.get("userId").s(), item.get("trigger").s(),
                Instant.parse(item.get("at").s()),
                Decision.Outcome.valueOf(item.get("outcome").s().toUpperCase(Locale.ROOT)),
                item.get("reasons").l().stream().map(AttributeValue::s).toList(),
                coupon,
                item.get("channels").l().stream().map(AttributeValue::s).toList(),
                fromJson(item.get("details").s()));
    }

    private static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values == null ? List.of()
                : values.stream().map(AttributeValue::fromS).toList());
    }

    private static String toJson(Map<String, Object> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("decision details are not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision details are not JSON", e);
        }
    }
}
