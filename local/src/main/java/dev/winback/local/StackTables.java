package dev.winback.local;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The state and ledger tables as template.yaml defines them, created on an emulator (DynamoDB Local)
 * for the simulator and the integration tests: one definition, so both run against the keys and the
 * index the functions use in AWS.
 */
public final class StackTables {

    /** The dormant-cohort index of the state table. */
    public static final String COHORT_INDEX = "DormantCohort";

    private StackTables() {
    }

    /**
     * The state table: on-demand, partition key {@code pk} (S), and the sparse {@code DormantCohort}
     * index ({@code cohort} + {@code pk}, projecting {@code contact} and {@code dormantFrom}).
     */
    public static String createStateTable(DynamoDbClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(string("pk"), string("cohort"))
                .keySchema(key("pk", KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(COHORT_INDEX)
                        .keySchema(key("cohort", KeyType.HASH), key("pk", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes("contact", "dormantFrom").build())
                        .build()));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    /** The ledger table (coupons, budgets, sends, contact history, decisions): {@code pk} (S) + {@code sk} (S). */
    public static String createLedgerTable(DynamoDbClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(string("pk"), string("sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
