package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.scenario.RewardBandit;
import dev.winback.core.scenario.RewardChoices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A scenario decision's reward, pinned in the ledger table before its effects:
 * {@code pk = decision#<decisionId>}, {@code sk = reward}, {@code choice} (the bandit's choice and
 * posterior as JSON), {@code expiresAt} (TTL, as the send claims). Put with
 * {@code attribute_not_exists(pk)}: the first attempt's choice wins and comes back to every later one
 * with the failed condition (no second read).
 */
public final class DynamoRewardChoices implements RewardChoices {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRewardChoices(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DynamoRewardChoices(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public RewardBandit.Choice pin(String decisionId, RewardBandit.Choice proposed) {
        Instant now = clock.instant();
        Map<String, AttributeValue> key = key(decisionId);
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "pk", key.get("pk"),
                            "sk", key.get("sk"),
                            "choice", AttributeValue.fromS(toJson(proposed)),
                            "pinnedAt", AttributeValue.fromS(now.toString()),
                            "expiresAt", AttributeValue.fromN(Long.toString(now.plus(KEEP).getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return proposed;
        } catch (ConditionalCheckFailedException pinnedBefore) {
            Map<String, AttributeValue> item = pinnedBefore.hasItem() ? pinnedBefore.item() : null;
            if (item == null || !item.containsKey("choice")) {
                item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
            }
            return fromJson(item.get("choice").s());
        }
    }

    /** As long as the send claims of the same decision ({@link DynamoSendLedger#KEEP}). */
    static final Duration KEEP = DynamoSendLedger.KEEP;

    private static Map<String, AttributeValue> key(String decisionId) {
        return Map.of("pk", AttributeValue.fromS("decision#" + decisionId), "sk", AttributeValue.fromS("reward"));
    }

    static String toJson(RewardBandit.Choice choice) {
        try {
            return JSON.writeValueAsString(choice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the reward choice", e);
        }
    }

    static RewardBandit.Choice fromJson(String json) {
        try {
            return JSON.readValue(json, RewardBandit.Choice.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the pinned reward choice is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
