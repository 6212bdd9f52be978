package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.state.UserState;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.local.LocalContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** IngestFunction's handler fed by the sample events in events/, against DynamoDB Local and MiniStack SQS. */
class IngestHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private String table;
    private String quarantineUrl;
    private IngestHandler handler;

    @BeforeEach
    void freshResources() {
        table = Fixtures.stateTable(dynamo);
        quarantineUrl = Fixtures.queue(sqs, "quarantine");
        handler = new IngestHandler(new StreamIngest(PolicyLoader.defaults(), new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, quarantineUrl), Clock.systemUTC(), 16), IngestMetrics.none());
    }

    @Test
    void normalBatchWritesEachSubjectOnce() {
        StreamsEventResponse response = invoke("kinesis-batch.json");

        assertThat(response.getBatchItemFailures()).isEmpty();
        // 19 records for 3 users, 1 zone and 1 merchant: 5 items, each written exactly once (version 1).
        assertThat(Fixtures.all(dynamo, table)).containsOnlyKeys(
                "user#u-1001", "user#u-1002", "user#u-1003", "zone#zone-sh-01", "merchant#m-23");
        Fixtures.all(dynamo, table).values().forEach(item -> assertThat(item.version()).isEqualTo(1));

        UserState u1002 = Fixtures.user(dynamo, table, "u-1002");
        assertThat(u1002.orders).isEqualTo(1);
        assertThat(u1002.cart).isEmpty();
        assertThat(u1002.timeToOrder).containsKeys("order", "product");
        UserState u1001 = Fixtures.user(dynamo, table, "u-1001");
        assertThat(u1001.cartValue()).isPositive();
        assertThat(u1001.profileText("phone")).isNotBlank();
        assertThat(u1001.tags).contains("new_no_order");
        assertThat(Fixtures.user(dynamo, table, "u-1003").consent).containsEntry("sms", false);
        assertThat(receiveAll()).isEmpty();
    }

    @Test
    void redeliveredBatchChangesNothing() {
        invoke("kinesis-batch.json");
        Map<String, ?> before = Fixtures.all(dynamo, table);
        String u1001Before = dev.winback.core.state.StateCodec.toJson(Fixtures.user(dynamo, table, "u-1001"));

        StreamsEventResponse again = invoke("kinesis-batch.json");

        assertThat(again.getBatchItemFailures()).isEmpty();
        Fixtures.all(dynamo, table).values().forEach(item -> assertThat(item.version()).isEqualTo(1));
        assertThat(Fixtures.all(dynamo, table).keySet()).isEqualTo(before.keySet());
        assertThat(dev.winback.core.state.StateCodec.toJson(Fixtures.user(dynamo, table, "u-1001"))).isEqualTo(u1001Before);
    }

    @Test
    void producerRetryOfTheSameEventIsAppliedOnce() {
        StreamsEventResponse response = invoke("kinesis-duplicates.json");

        assertThat(response.getBatchItemFailures()).isEmpty();
        UserState user = Fixtures.user(dynamo, table, "u-1001");
        assertThat(user.cart).hasSize(1);
        assertThat(user.cart.getFirst().quantity()).isEqualTo(1);
        assertThat(user.cartValue()).isEqualByComparingTo(new BigDecimal("38.00"));
    }

    @Test
    void poisonRecordsAreQuarantinedWithReasonsAndTheRestApplied() {
        StreamsEventResponse response = invoke("kinesis-poison.json");

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<JsonNode> quarantined = receiveAll();
        assertThat(quarantined).extracting(m -> m.get("reason").get("code").asText()).containsExactlyInAnyOrder(
                "invalid_json", "not_an_object", "missing_field", "unknown_type", "invalid_field",
                "future_timestamp", "missing_field", "invalid_field", "invalid_field");
        assertThat(quarantined).allSatisfy(m -> {
            assertThat(m.get("sequenceNumber").asText()).isNotBlank();
            assertThat(m.get("source").asText()).startsWith("shardId-");
            assertThat(m.get("reason").get("message").asText()).isNotBlank();
        });
        // The good records of the same batch were applied.
        assertThat(Fixtures.user(dynamo, table, "u-1001").cartValue()).isEqualByComparingTo("30.00");
        assertThat(Fixtures.user(dynamo, table, "u-1002").lastLoginAt).isNotNull();
        assertThat(Fixtures.stored(dynamo, table, "zone#zone-sh-02")).isNotNull();
    }

    @Test
    void unreachableQuarantineRetriesTheBadRecordsInsteadOfDroppingThem() {
        handler = new IngestHandler(new StreamIngest(PolicyLoader.defaults(), new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, quarantineUrl + "-missing"), Clock.systemUTC(), 16), IngestMetrics.none());
        KinesisEvent event = Fixtures.kinesisEvent("kinesis-poison.json");

        StreamsEventResponse response = handler.handleRequest(event, new LocalContext("IngestFunction"));

        String firstBad = event.getRecords().get(1).getKinesis().getSequenceNumber();
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .contains(firstBad);
    }

    private StreamsEventResponse invoke(String file) {
        return handler.handleRequest(Fixtures.kinesisEvent(file), new LocalContext("IngestFunction"));
    }

    private List<JsonNode> receiveAll() {
        List<JsonNode> bodies = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            int wait = round == 0 ? 1 : 0;
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(quarantineUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(wait)).messages();
            if (messages.isEmpty() && round > 0) {
                break;
            }
            for (Message message : messages) {
                try {
                    bodies.add(JSON.readTree(message.body()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("quarantine message is not JSON: " + message.body(), e);
                }
                sqs.deleteMessage(b -> b.queueUrl(quarantineUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }
}
