package dev.winback.adapters;

import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.FrequencyCaps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * A user's recent recall touches, across every trigger, in one ledger item: {@code pk = user#<id>},
 * {@code sk = contact}, {@code touches} (a list of {@code {d: decisionId, at: epochMillis}} from the
 * last 7 days) and {@code ver} (optimistic lock). Reserving reads the item, checks the caps and
 * writes the new touch on condition that nobody else wrote in between; a loser re-reads and checks
 * again, so concurrent decisions for one user cannot together pass a cap. One small item per user,
 * one write per touch.
 */
public final class DynamoContactHistory implements ContactHistory {


    /** Only the user's own concurrent decisions collide, and all but a few stop at the cap. */
    static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoContactHistory(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private record Touch(String decisionId, Instant at) {
    }

    @Override
    public boolean reserve(String userId, String decisionId, Instant at, int perDay, int perWeek) {
        Map<String, AttributeValue> key = Map.of(
                "pk", AttributeValue.fromS("user#" + userId), "sk", AttributeValue.fromS("contact"));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
            boolean exists = item != null && !item.isEmpty();
            List<Touch> touches = exists ? touches(item) : List.of();
            if (touches.stream().anyMatch(t -> t.decisionId().equals(decisionId))) {
                return true; // a retry of a decision that already holds its touch
            }
            List<Instant> times = touches.stream().map(Touch::at).toList();
            if (FrequencyCaps.reached(times, at, perDay, perWeek)) {
                return false;
            }
            long version = exists ? Long.parseLong(item.get("ver").n()) : 0;
            if (write(key, keep(touches, new Touch(decisionId, at)), version)) {
                return true;
            }
            LedgerRetry.backoff(attempt);
        }
        throw new LedgerBusyException("contact history of a user still conflicting after " + MAX_ATTEMPTS + " attempts");
    }

    @Override
    public void unreserve(String userId, String decisionId) {
        Map<String, AttributeValue> key = Map.of(
                "pk", AttributeValue.fromS("user#" + userId), "sk", AttributeValue.fromS("contact"));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                return;
            }
            List<Touch> touches = touches(item);
            List<Touch> kept = touches.stream().filter(t -> !t.decisionId().equals(decisionId)).toList();
            if (kept.size() == touches.size() || write(key, kept, Long.parseLong(item.get("ver").n()))) {
                return;
            }
            LedgerRetry.backoff(attempt);
        }
        throw new LedgerBusyException("contact history of a user still conflicting after " + MAX_ATTEMPTS + " attempts");
    }

    /** Keeps what a week cap can still see; older touches only cost write units. */
    private static List<Touch> keep(List<Touch> touches, Touch added) {
        Instant newest = added.at();
        for (Touch t : touches) {
            newest = t.at().isAfter(newest) ? t.at() : newest;
        }
        Instant horizon = newest.minus(FrequencyCaps.WEEK);
        List<Touch> kept = new ArrayList<>();
        touches.stream().filter(t -> t.at().isAfter(horizon)).forEach(kept::add);
        kept.add(added);
        return kept;
    }

    private boolean write(Map<String, AttributeValue> key, List<Touch> touches, long version) {
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("touches", AttributeValue.fromL(touches.stream().map(t -> AttributeValue.fromM(Map.of(
                "d", AttributeValue.fromS(t.decisionId()),
                "at", AttributeValue.fromN(Long.toString(t.at().toEpochMilli()))))).toList()));
        item.put("ver", AttributeValue.fromN(Long.toString(version + 1)));
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (version == 0) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("ver = :ver")
                    .expressionAttributeValues(Map.of(":ver", AttributeValue.fromN(Long.toString(version))));
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException concurrentWrite) {
            return false;
        }
    }

    private static List<Touch> touches(Map<String, AttributeValue> item) {
        AttributeValue list = item.get("touches");
        if (list == null || !list.hasL()) {
            return List.of();
        }
        return list.l().stream().map(v -> new Touch(v.m().get("d").s(),
                Instant.ofEpochMilli(Long.parseLong(v.m().get("at").n())))).toList();
    }
}
