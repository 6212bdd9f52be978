package dev.winback.adapters;

import dev.winback.core.recall.SendLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Send claims in the ledger table: item {@code pk = decision#<id>}, {@code sk = send#<channel>}, put
 * with {@code attribute_not_exists(pk)} before the message goes out, so of all the retries of a
 * decision exactly one holds the claim. Claims expire (TTL {@code expiresAt}) long after any
 * redelivery could arrive. DynamoDB errors propagate: the caller fails and is retried.
 *
 * <p>Each claim carries a token of its own, and the condition also passes when the item holds that
 * token: when DynamoDB wrote the claim but the answer was lost (a 500 or a reset after the commit),
 * the SDK's retry of the same request finds its own claim and succeeds. Without the token that
 * retry would read as "claimed by an earlier attempt" and the message would never go out.
 */
public final class DynamoSendLedger implements SendLedger {

    /** Far beyond SQS's 14-day retention and the stream's retry window. */
    static final Duration KEEP = Duration.ofDays(90);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoSendLedger(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DynamoSendLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean claim(String decisionId, String channel) {
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "pk", AttributeValue.fromS("decision#" + decisionId),
                            "sk", AttributeValue.fromS("send#" + channel),
                            "claim", AttributeValue.fromS(token),
                            "claimedAt", AttributeValue.fromS(now.toString()),
                            "expiresAt", AttributeValue.fromN(Long.toString(now.plus(KEEP).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(pk) OR claim = :token")
                    .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(token))));
            return true;
        } catch (ConditionalCheckFailedException claimedBefore) {
            return false;
        }
    }

    /** A consistent read: a publication recorded by an earlier attempt is always seen. */
    @Override
    public boolean published(String decisionId, String channel) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("decision#" + decisionId),
                "sk", AttributeValue.fromS("send#" + channel)))).hasItem();
    }

    @Override
    public void markPublished(String decisionId, String channel) {
        Instant now = clock.instant();
        dynamo.putItem(b -> b.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS("decision#" + decisionId),
                "sk", AttributeValue.fromS("send#" + channel),
                "publishedAt", AttributeValue.fromS(now.toString()),
                "expiresAt", AttributeValue.fromN(Long.toString(now.plus(KEEP).getEpochSecond())))));
    }

    @Override
    public void release(String decisionId, String channel) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("decision#" + decisionId),
                "sk", AttributeValue.fromS("send#" + channel))));
    }
}
