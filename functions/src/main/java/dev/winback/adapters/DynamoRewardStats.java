package dev.winback.adapters;

import dev.winback.core.scenario.RewardStats;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The bandit's counters (C4) in the ledger table, one item per scenario and reward:
 * {@code pk = stats#scenario#<name>}, {@code sk = reward#<key>} (e.g. {@code reward#coupon:5.00},
 * {@code reward#free_delivery}), attributes {@code sends} and {@code conversions} (N).
 *
 * <p>Each count is one {@code UpdateItem … ADD sends :one}: DynamoDB applies it atomically on the
 * item, creating it (from 0) on first use, so concurrent decisions never lose an increment and need
 * no read first. Reading a scenario's counts is one strongly consistent Query on its partition (a
 * handful of items). These items do not expire: they are the scenario's learned evidence.
 *
 * <p>A scenario's counters all live on one partition key; DynamoDB sustains about 1,000 writes per
 * second per partition, far above one scenario's send rate. Errors propagate: the caller is retried
 * (its send-ledger claim keeps the retry from counting twice).
 */
public final class DynamoRewardStats implements RewardStats {

    private static final AttributeValue ONE = AttributeValue.fromN("1");

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRewardStats(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Map<String, Counts> counts(String scenario) {
        Map<String, Counts> counts = new LinkedHashMap<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :reward)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(partition(scenario)),
                                ":reward", AttributeValue.fromS("reward#"))))
                .items().forEach(item -> counts.put(item.get("sk").s().substring("reward#".length()),
                        new Counts(number(item.get("sends")), number(item.get("conversions")))));
        return counts;
    }

    @Override
    public void recordSend(String scenario, String rewardKey) {
        add(scenario, rewardKey, "sends");
    }

    @Override
    public void recordConversion(String scenario, String rewardKey) {
        add(scenario, rewardKey, "conversions");
    }

    private void add(String scenario, String rewardKey, String counter) {
        dynamo.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(partition(scenario)),
                        "sk", AttributeValue.fromS("reward#" + rewardKey)))
                .updateExpression("ADD #counter :one")
                .expressionAttributeNames(Map.of("#counter", counter))
                .expressionAttributeValues(Map.of(":one", ONE)));
    }

    static String partition(String scenario) {
        return "stats#scenario#" + scenario;
    }

    private static long number(AttributeValue value) {
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
