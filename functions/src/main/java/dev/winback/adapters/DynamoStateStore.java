package dev.winback.adapters;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoreUnavailableException;
import dev.winback.core.ingest.StoredState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Subject state in one DynamoDB table: {@code pk} (S), {@code ver} (N, optimistic lock), {@code hw}
 * (S, high-water sequence number), {@code st} (B, CBOR state), {@code tags} (SS, segment tags), and
 * {@code tc} (N, 1) on a write that changed the tags only: the table's stream reaches
 * SegmentChangesFunction through a filter on it, so the other writes invoke nothing. A batch's read
 * ({@link #loadRecent}) is eventually consistent, half the read units: the conditional write catches a
 * stale read, and the reread after a conflict ({@link #load}) is strongly consistent.
 */
public final class DynamoStateStore implements StateStore {

    static final String PK = "pk";
    static final String VERSION = "ver";
    static final String HIGH_WATER = "hw";
    static final String STATE = "st";
    static final String TAGS = "tags";
    /** The dormant-cohort index key (dormant-from day + shard), and what the index projects beside it. */
    static final String COHORT = "cohort";
    static final String CONTACT = "contact";
    /** Present (= 1) only on a write whose tags differ from the item it replaced: the stream filter's key. */
    public static final String TAGS_CHANGED = "tc";

    private static final int MAX_KEYS_PER_BATCH_GET = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 5;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Map<String, StoredState> load(Collection<String> keys) {
        return load(keys, true);
    }

    @Override
    public Map<String, StoredState> loadRecent(Collection<String> keys) {
        return load(keys, false);
    }

    private Map<String, StoredState> load(Collection<String> keys, boolean consistent) {
        Map<String, StoredState> found = new HashMap<>();
        List<String> all = new ArrayList<>(new HashSet<>(keys));
        for (int from = 0; from < all.size(); from += MAX_KEYS_PER_BATCH_GET) {
            List<Map<String, AttributeValue>> chunk = all.subList(from, Math.min(all.size(), from + MAX_KEYS_PER_BATCH_GET))
                    .stream().map(key -> Map.of(PK, AttributeValue.fromS(key))).toList();
            Map<String, KeysAndAttributes> request =
                    Map.of(table, KeysAndAttributes.builder().keys(chunk).consistentRead(consistent).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    throw new StoreUnavailableException("DynamoDB left keys unprocessed after " + round + " rounds", null);
                }
                backoff(round);
                BatchGetItemResponse response = call(request);
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> found.put(item.get(PK).s(), fromItem(item)));
                request = response.unprocessedKeys();
            }
        }
        return found;
    }

    private BatchGetItemResponse call(Map<String, KeysAndAttributes> request) {
        try {
            return dynamo.batchGetItem(b -> b.requestItems(request));
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB BatchGetItem failed: " + e.getMessage(), e);
        }
    }

    @Override
    public SaveOutcome save(StoredState next, long expectedVersion) {
        return put(next, expectedVersion, false);
    }

    @Override
    public SaveOutcome replace(StoredState current, StoredState next) {
        java.util.Set<String> before = current == null ? java.util.Set.of() : current.tags();
        return put(next, current == null ? 0 : current.version(), !before.equals(next.tags()));
    }

    private SaveOutcome put(StoredState next, long expectedVersion, boolean tagsChanged) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(next.key()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(next.version())));
        item.put(HIGH_WATER, AttributeValue.fromS(next.highWater()));
        item.put(STATE, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(next.body())));
        if (!next.tags().isEmpty()) {
            item.put(TAGS, AttributeValue.fromSs(List.copyOf(next.tags())));
        }
        if (next.cohort() != null) {
            item.put(COHORT, AttributeValue.fromS(next.cohort().key()));
            Map<String, AttributeValue> contact = new HashMap<>();
            next.cohort().contact().forEach((k, v) -> contact.put(k, AttributeValue.fromS(v)));
            item.put(CONTACT, AttributeValue.fromM(contact));
        }
        if (tagsChanged) {
            item.put(TAGS_CHANGED, AttributeValue.fromN("1"));
        }
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (expectedVersion == 0) {
            put.conditionExpression("attribute_not_exists(" + PK + ")");
        } else {
            put.conditionExpression(VERSION + " = :expected")
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion))));
        }
        try {
            dynamo.putItem(put.build());
            return SaveOutcome.SAVED;
        } catch (ConditionalCheckFailedException e) {
            return SaveOutcome.CONFLICT;
        } catch (SdkException e) {
            // Throttling, 5xx and network errors outlived the SDK's own retries: deliver again later.
            return SaveOutcome.UNAVAILABLE;
        }
    }

    /**
     * The size DynamoDB bills for this item: attribute names plus values (strings and binary by
     * length, numbers about one byte per two digits), the figure write units are rounded up from.
     */
    public static int itemSizeBytes(StoredState state) {
        int size = PK.length() + utf8Length(state.key())
                + VERSION.length() + 1 + (Long.toString(state.version()).length() + 1) / 2
                + HIGH_WATER.length() + utf8Length(state.highWater())
                + STATE.length() + state.body().length;
        if (!state.tags().isEmpty()) {
            size += TAGS.length();
            for (String tag : state.tags()) {
                size += utf8Length(tag);
            }
        }
        if (state.cohort() != null) {
            size += COHORT.length() + utf8Length(state.cohort().key()) + CONTACT.length() + 3;
            for (Map.Entry<String, String> field : state.cohort().contact().entrySet()) {
                size += utf8Length(field.getKey()) + utf8Length(field.getValue()) + 1;
            }
        }
        return size;
    }

    private static int utf8Length(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static StoredState fromItem(Map<String, AttributeValue> item) {
        AttributeValue tags = item.get(TAGS);
        StoredState.CohortEntry cohort = null;
        if (item.containsKey(COHORT)) {
            Map<String, String> contact = new HashMap<>();
            item.get(CONTACT).m().forEach((k, v) -> contact.put(k, v.s()));
            String key = item.get(COHORT).s();
            cohort = new StoredState.CohortEntry(key, java.time.LocalDate.parse(key.substring(0, key.indexOf('#'))), contact);
        }
        return new StoredState(item.get(PK).s(), Long.parseLong(item.get(VERSION).n()),
                item.containsKey(HIGH_WATER) ? item.get(HIGH_WATER).s() : null,
                item.get(STATE).b().asByteArrayUnsafe(),
                tags == null ? java.util.Set.of() : java.util.Set.copyOf(tags.ss()), cohort);
    }

    private static void backoff(int round) {
        if (round == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1000, 25L << round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying unprocessed keys", e);
        }
    }
}
