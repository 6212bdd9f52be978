package dev.winback.adapters;

import dev.winback.core.recall.Notifier;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The in-app inbox (channel {@code inbox}): messages kept in the ledger table under the user
 * ({@code pk = user#<id>}, {@code sk = inbox#<time>#<decision>}) for the app to list and mark read.
 * Kept 90 days (TTL).
 */
public final class DynamoInbox implements Notifier {

    private static final long KEEP_SECONDS = 90L * 24 * 3600;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoInbox(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public void send(Message message) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("user#" + message.userId()));
        item.put("sk", AttributeValue.fromS("inbox#" + now + "#" + message.decisionId()));
        item.put("decisionId", AttributeValue.fromS(message.decisionId()));
        item.put("text", AttributeValue.fromS(message.text()));
        item.put("read", AttributeValue.fromBool(false));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(now.getEpochSecond() + KEEP_SECONDS)));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item));
        } catch (SdkException e) {
            throw new DeliveryException("the inbox refused decision " + message.decisionId(), e);
        }
    }
}
