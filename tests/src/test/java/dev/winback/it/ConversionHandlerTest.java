package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.core.recall.Decision;
import dev.winback.core.scenario.RewardStats.Counts;
import dev.winback.handlers.ConversionHandler;
import dev.winback.it.support.ConversionStories;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * ConversionFunction's handler fed by {@code events/kinesis-orders.json} on DynamoDB Local, after the
 * decisions of {@link ConversionStories} were made by the real scenario check: an order in the window
 * of a scenario message is recorded once and counts one conversion for its reward; a redelivered batch
 * changes nothing; an order a day too late and a malformed one record nothing; a store failure is
 * reported for the stream to deliver again; and every call it makes is one its role allows.
 */
class ConversionHandlerTest {

    private static final String ORDERS = "kinesis-orders.json";

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final CallRecorder calls = new CallRecorder();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private ConversionStories.Seeded seeded;
    private ConversionHandler handler;

    @BeforeEach
    void seed() {
        seeded = ConversionStories.seed(dynamo);
        handler = ConversionStories.handler(recorded, seeded.ledger());
    }

    @AfterEach
    void close() {
        dynamo.close();
        recorded.close();
    }

    @Test
    void anOrderInTheWindowOfAScenarioMessageIsRecordedOnceAndCountsForItsReward() {
        DynamoRewardStats stats = new DynamoRewardStats(dynamo, seeded.ledger());
        assertThat(seeded.sent().outcome()).isEqualTo(Decision.Outcome.SENT);
        assertThat(seeded.heldOut().reasons()).contains("holdout");
        assertThat(stats.counts(ConversionStories.SCENARIO)).isEqualTo(Map.of(seeded.rewardKey(), new Counts(1, 0)));

        StreamsEventResponse response = invoke();

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, Map<String, AttributeValue>> conversions = conversions();
        assertThat(conversions).containsOnlyKeys("user#u-1001 conversion#o-1001-1", "user#u-1003 conversion#o-1003-1");
        Map<String, AttributeValue> alice = conversions.get("user#u-1001 conversion#o-1001-1");
        assertThat(alice.get("decisionId").s()).isEqualTo(seeded.sent().decisionId());
        assertThat(alice.get("trigger").s()).isEqualTo("scenario:new_no_order");
        assertThat(alice.get("group").s()).isEqualTo("treated");
        assertThat(alice.get("scenario").s()).isEqualTo("new_no_order");
        assertThat(alice.get("reward").s()).isEqualTo(seeded.rewardKey());
        assertThat(alice.get("channel").s()).isEqualTo(seeded.sent().channels().get(0));
        assertThat(alice.get("orderAt").s()).isEqualTo("2026-11-22T02:03:30Z");
        assertThat(alice.get("touchAt").s()).isEqualTo("2026-11-22T01:30:00Z");
        assertThat(alice.get("amount").n()).isEqualTo("98");
        assertThat(alice.get("discount").n()).isEqualTo("5");
        assertThat(alice.get("minutesToOrder").n()).isEqualTo("33.5"); // DynamoDB keeps numbers normalised
        assertThat(alice.get("couponId").s()).isEqualTo("c-1001-1");
        assertThat(alice).doesNotContainKeys("landingPage", "landingAt", "dwellSeconds"); // not known online
        Map<String, AttributeValue> held = conversions.get("user#u-1003 conversion#o-1003-1");
        assertThat(held.get("group").s()).isEqualTo("holdout");
        assertThat(held.get("decisionId").s()).isEqualTo(seeded.heldOut().decisionId());
        // One conversion for u-1001's reward; the holdout user's order teaches the bandit nothing.
        assertThat(stats.counts(ConversionStories.SCENARIO)).isEqualTo(Map.of(seeded.rewardKey(), new Counts(1, 1)));
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        invoke();
        Map<String, Map<String, AttributeValue>> before = ledger();

        StreamsEventResponse again = invoke();

        assertThat(again.getBatchItemFailures()).isEmpty();
        assertThat(ledger()).isEqualTo(before);
        assertThat(new DynamoRewardStats(dynamo, seeded.ledger()).counts(ConversionStories.SCENARIO))
                .isEqualTo(Map.of(seeded.rewardKey(), new Counts(1, 1)));
    }

    @Test
    void anOrderOutsideTheWindowRecordsNothing() {
        invoke();

        // u-1002's recall went at 2026-11-22T08:30Z; its order 24.5 h later is not attributed.
        assertThat(ledger().keySet()).filteredOn(k -> k.startsWith("user#u-1002 "))
                .containsExactly("user#u-1002 decision#2026-11-22T08:30:00.000Z#dl-u1002-order");
        // Nor is the malformed order (no amount), which the ingest function quarantines.
        assertThat(ledger().keySet()).noneMatch(k -> k.endsWith("conversion#o-1003-2"));
    }

    @Test
    void aStoreFailureIsReportedFromTheFailingOrderOn() {
        ConversionHandler noTable = ConversionStories.handler(recorded, "winback-ledger-missing");
        KinesisEvent event = Fixtures.kinesisEvent(ORDERS);

        StreamsEventResponse response = noTable.handleRequest(event, new LocalContext("ConversionFunction"));

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getKinesis().getSequenceNumber());
    }

    /**
     * Cost: one Query per order; an attributed order one conditional PutItem, a converting scenario
     * message one more (the count's claim) and one UpdateItem (the counter). The batch's 4 valid
     * orders: u-1001 (Query, 2 PutItem, UpdateItem), its producer retry (Query, 2 PutItem refused),
     * u-1003 held out (Query, PutItem), u-1002 too late (Query).
     */
    @Test
    void eachOrderCostsOneQueryAndAtMostThreeWrites() {
        invoke();

        Map<String, Long> byOperation = new TreeMap<>();
        calls.calls.forEach(call -> byOperation.merge(call.operation(), 1L, Long::sum));
        assertThat(byOperation).isEqualTo(Map.of("Query", 4L, "PutItem", 5L, "UpdateItem", 1L));
    }

    /** Least privilege: the DynamoDB calls the function made are those template.yaml grants its role, on the partitions it names. */
    @Test
    void everyCallIsOneTheFunctionsRoleAllows() throws IOException {
        JsonNode statement = null;
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(RepoRoot.get().resolve("template.yaml").toFile());
        for (JsonNode s : template.at("/Resources/ConversionFunctionRole/Properties/Policies/0/PolicyDocument/Statement")) {
            if (s.path("Sid").asText().equals("AttributeAndCountInLedger")) {
                statement = s;
            }
        }
        assertThat(statement).as("the role's ledger statement").isNotNull();
        List<String> actions = new ArrayList<>();
        statement.path("Action").forEach(a -> actions.add(a.asText().replace("dynamodb:", "")));
        List<String> leadingKeys = new ArrayList<>();
        statement.at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys")
                .forEach(k -> leadingKeys.add(k.asText().replace("*", "")));

        invoke();
        invoke();

        assertThat(calls.calls).extracting(Call::operation).contains("Query", "PutItem", "UpdateItem");
        assertThat(calls.calls).allSatisfy(call -> {
            assertThat(actions).contains(call.operation());
            assertThat(leadingKeys).anySatisfy(prefix -> assertThat(call.partitionKey()).startsWith(prefix));
        });
    }

    private StreamsEventResponse invoke() {
        return handler.handleRequest(Fixtures.kinesisEvent(ORDERS), new LocalContext("ConversionFunction"));
    }

    /** Every ledger item by "pk sk". */
    private Map<String, Map<String, AttributeValue>> ledger() {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.scanPaginator(b -> b.tableName(seeded.ledger()).consistentRead(true)).items()
                .forEach(item -> items.put(item.get("pk").s() + " " + item.get("sk").s(), item));
        return items;
    }

    private Map<String, Map<String, AttributeValue>> conversions() {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>(ledger());
        items.keySet().removeIf(k -> !k.contains(" conversion#"));
        return items;
    }

    private record Call(String operation, String partitionKey) {
    }

    /** The operation and partition key of every request the client sends. */
    private static final class CallRecorder implements ExecutionInterceptor {
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String pk = switch (context.request()) {
                case QueryRequest q -> q.expressionAttributeValues().get(":pk").s();
                case PutItemRequest p -> p.item().get("pk").s();
                case UpdateItemRequest u -> u.key().get("pk").s();
                case DeleteItemRequest d -> d.key().get("pk").s();
                default -> "";
            };
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), pk));
        }
    }
}
