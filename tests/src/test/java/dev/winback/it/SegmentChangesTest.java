package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SnsSegmentChangePublisher;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.segments.SegmentFeed;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.handlers.SegmentChangesHandler;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SegmentChangesFunction: the state table's stream to the segment-changes topic (MiniStack SNS → SQS),
 * fed by the sample in events/ and by the real stream DynamoDB Local keeps for writes of IngestFunction.
 */
class SegmentChangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SnsClient sns = MiniStack.sns();
    private final SqsClient sqs = MiniStack.sqs();
    private final String[] topic = Fixtures.topicWithQueue(sns, sqs, "segment-changes");
    private final SegmentChangesHandler handler =
            new SegmentChangesHandler(new SegmentFeed(new SnsSegmentChangePublisher(sns, topic[0])));

    @Test
    void theSampleStreamBatchPublishesOnlyRealChanges() {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(
                RepoRoot.get().resolve("events/dynamodb-state-changes.json").toString());

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<JsonNode> messages = received(3);
        assertThat(messages).extracting(m -> m.get("userId").asText() + " " + m.get("change").asText() + " "
                + m.get("tag").asText())
                .containsExactlyInAnyOrder("u-1001 entered new_no_order", "u-1002 left dormant", "u-1002 entered high_value");
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.get("changeId").asText()).startsWith(m.get("userId").asText() + "|");
            assertThat(m.get("at").asText()).startsWith("2026-11-22T01:0");
            assertThat(m.has("phone") || m.has("email")).isFalse();
        });
    }

    @Test
    void everyTagIngestStoresIsPublishedFromTheTablesOwnStream() {
        String table = Fixtures.stateTable(dynamo);
        dynamo.updateTable(b -> b.tableName(table).streamSpecification(StreamSpecification.builder()
                .streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()));
        new IngestHandler(new StreamIngest(PolicyLoader.defaults(), new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), Clock.systemUTC(), 16), IngestMetrics.none())
                .handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), null);

        StreamsEventResponse response = handler.handleRequest(streamOf(table), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<String> expected = new ArrayList<>();
        Fixtures.all(dynamo, table).forEach((key, item) -> {
            if (key.startsWith("user#")) {
                new TreeSet<>(Fixtures.user(dynamo, table, key.substring(5)).tags)
                        .forEach(tag -> expected.add(key.substring(5) + " entered " + tag));
            }
        });
        assertThat(expected).isNotEmpty();
        assertThat(received(expected.size())).extracting(m -> m.get("userId").asText() + " " + m.get("change").asText()
                + " " + m.get("tag").asText()).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Everything in the table's stream so far, as Lambda's event source mapping would hand it over. */
    private static DynamodbEvent streamOf(String table) {
        DynamoDbClient dynamo = DynamoDbLocal.client();
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        try (DynamoDbStreamsClient streams = DynamoDbLocal.configure(DynamoDbStreamsClient.builder()).build()) {
            for (var shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
                String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                for (int page = 0; iterator != null && page < 20; page++) {
                    String current = iterator;
                    var batch = streams.getRecords(b -> b.shardIterator(current));
                    batch.records().forEach(r -> records.add(lambdaRecord(r)));
                    iterator = batch.records().isEmpty() ? null : batch.nextShardIterator();
                }
            }
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord lambdaRecord(Record record) {
        var change = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord()
                .withKeys(image(record.dynamodb().keys()))
                .withNewImage(image(record.dynamodb().newImage()))
                .withOldImage(record.dynamodb().hasOldImage() ? image(record.dynamodb().oldImage()) : null)
                .withSequenceNumber(record.dynamodb().sequenceNumber())
                .withApproximateCreationDateTime(Date.from(record.dynamodb().approximateCreationDateTime()));
        var lambda = new DynamodbEvent.DynamodbStreamRecord();
        lambda.setEventName(record.eventNameAsString());
        lambda.setDynamodb(change);
        return lambda;
    }

    /** Only the attribute kinds the function reads (S, N, SS); the state body is left out. */
    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new java.util.HashMap<>();
        item.forEach((name, value) -> {
            var converted = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
            if (value.s() != null) {
                out.put(name, converted.withS(value.s()));
            } else if (value.n() != null) {
                out.put(name, converted.withN(value.n()));
            } else if (value.hasSs()) {
                out.put(name, converted.withSS(value.ss()));
            }
        });
        return out;
    }

    private List<JsonNode> received(int expected) {
        List<JsonNode> messages = new ArrayList<>();
        for (int polls = 0; polls < 20 && messages.size() < expected; polls++) {
            sqs.receiveMessage(b -> b.queueUrl(topic[1]).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> {
                        try {
                            messages.add(JSON.readTree(m.body()));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        sqs.deleteMessage(b -> b.queueUrl(topic[1]).receiptHandle(m.receiptHandle()));
                    });
        }
        // one more short poll: nothing beyond what was expected may arrive
        messages.addAll(sqs.receiveMessage(b -> b.queueUrl(topic[1]).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages().stream().map(m -> {
                    try {
                        return JSON.readTree(m.body());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList());
        return messages;
    }
}
