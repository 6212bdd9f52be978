package dev.winback.adapters;

import dev.winback.core.recall.SuppressionList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The suppression list in the ledger table, one item per user beside their other ledger items:
 * {@code pk = user#<id>}, {@code sk = suppression}, with {@code reason} and {@code addedAt}. A check
 * is one eventually consistent GetItem (half a read unit) per decision; keeping the entries under
 * each user's own key spreads them over partitions whatever the decision rate. Listing is a Scan of
 * the table filtered on the sort key — an operator's occasional command, not a hot path.
 */
public final class DynamoSuppressionList implements SuppressionList {

    static final String SORT_KEY = "suppression";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSuppressionList(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** One listed user. */
    public record Entry(String userId, String reason, Instant addedAt) {
    }

    @Override
    public boolean isSuppressed(String userId) {
        return dynamo.getItem(b -> b.tableName(table).key(key(userId)).projectionExpression("pk")).hasItem();
    }

    /** Lists the user (again: the newest reason wins). */
    public void add(String userId, String reason, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>(key(userId));
        item.put("reason", AttributeValue.fromS(reason == null || reason.isBlank() ? "unspecified" : reason));
        item.put("addedAt", AttributeValue.fromS(at.toString()));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    public void remove(String userId) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(userId)));
    }

    /** Every listed user, in no particular order. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        ScanRequest request = ScanRequest.builder().tableName(table)
                .filterExpression("sk = :sk").expressionAttributeValues(Map.of(":sk", AttributeValue.fromS(SORT_KEY)))
                .build();
        for (ScanResponse page : dynamo.scanPaginator(request)) {
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("pk").s();
                entries.add(new Entry(pk.substring("user#".length()),
                        item.containsKey("reason") ? item.get("reason").s() : null,
                        item.containsKey("addedAt") ? Instant.parse(item.get("addedAt").s()) : null));
            }
        }
        return entries;
    }

    private static Map<String, AttributeValue> key(String userId) {
        return Map.of("pk", AttributeValue.fromS("user#" + userId), "sk", AttributeValue.fromS(SORT_KEY));
    }
}
