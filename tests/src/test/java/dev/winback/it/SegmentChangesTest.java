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

    /**
     * The mapping's filter (template.yaml) on the stream DynamoDB Local keeps: it lets through exactly
     * the writes whose tags changed — the ones DynamoStateStore marks — and publishing only those
     * publishes every change. Each record of the sample batch is its own ingest batch, so most writes
     * (later page views, cart changes, zone and merchant reports) change no tags.
     */
    @Test
    void theTemplatesStreamFilterPassesExactlyTheWritesThatChangedTags() throws Exception {
        String table = Fixtures.stateTable(dynamo);
        dynamo.updateTable(b -> b.tableName(table).streamSpecification(StreamSpecification.builder()
                .streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()));
        IngestHandler ingest = new IngestHandler(new StreamIngest(PolicyLoader.defaults(), new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), Clock.systemUTC(), 16), IngestMetrics.none());
        for (var record : Fixtures.kinesisEvent("kinesis-batch.json").getRecords()) {
            com.amazonaws.services.lambda.runtime.events.KinesisEvent one = new com.amazonaws.services.lambda.runtime.events.KinesisEvent();
            one.setRecords(List.of(record));
            assertThat(ingest.handleRequest(one, null).getBatchItemFailures()).isEmpty();
        }
        JsonNode template = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(RepoRoot.get().resolve("template.yaml").toFile());
        JsonNode filters = template.at("/Resources/SegmentChangesFunction/Properties/Events/StateChanges/Properties/FilterCriteria/Filters");
        assertThat(filters).hasSize(1);
        JsonNode pattern = JSON.readTree(filters.get(0).path("Pattern").asText());

        List<Record> raw = rawStreamOf(table);
        List<DynamodbEvent.DynamodbStreamRecord> passed = new ArrayList<>();
        int changed = 0;
        for (Record record : raw) {
            DynamodbEvent.DynamodbStreamRecord lambda = lambdaRecord(record);
            String key = record.dynamodb().keys().get("pk").s();
            boolean changesTags = !SegmentFeed.changes(new SegmentFeed.TagsWritten(record.dynamodb().sequenceNumber(),
                    key.startsWith("user#") ? key.substring(5) : null, tags(record.dynamodb().oldImage()),
                    tags(record.dynamodb().newImage()), record.dynamodb().approximateCreationDateTime())).isEmpty();
            boolean matches = matches(pattern, streamJson(record));
            assertThat(matches).as("filter on %s (%s)", record.dynamodb().keys().get("pk").s(), record.eventNameAsString())
                    .isEqualTo(changesTags);
            if (matches) {
                passed.add(lambda);
            }
            changed += changesTags ? 1 : 0;
        }
        assertThat(changed).as("writes that changed tags").isPositive();
        assertThat(raw.size() - changed).as("writes that did not").isGreaterThan(changed);

        DynamodbEvent filtered = new DynamodbEvent();
        filtered.setRecords(passed);
        assertThat(handler.handleRequest(filtered, null).getBatchItemFailures()).isEmpty();
        List<String> expected = new ArrayList<>();
        Fixtures.all(dynamo, table).forEach((key, item) -> {
            if (key.startsWith("user#")) {
                new TreeSet<>(Fixtures.user(dynamo, table, key.substring(5)).tags)
                        .forEach(tag -> expected.add(key.substring(5) + " entered " + tag));
            }
        });
        List<String> got = received(expected.size()).stream().map(m -> m.get("userId").asText() + " "
                + m.get("change").asText() + " " + m.get("tag").asText()).toList();
        // Every tag a user holds now was entered through a passed write (and nothing else was published
        // except what the passed writes changed, e.g. a tag entered and later left).
        assertThat(got).containsAll(expected);
    }

    /**
     * Lambda event filtering as far as the template's patterns use it: an object matches field by field;
     * an array lists the accepted values of a primitive, {@code {"exists": true}} accepting any.
     */
    private static boolean matches(JsonNode pattern, JsonNode value) {
        if (pattern.isObject()) {
            for (var field : pattern.properties()) {
                if (!matches(field.getValue(), value == null ? null : value.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (value == null || value.isContainerNode()) {
            return false;
        }
        for (JsonNode accepted : pattern) {
            if (accepted.isObject() ? accepted.path("exists").asBoolean(false) : accepted.asText().equals(value.asText())) {
                return true;
            }
        }
        return false;
    }

    private static java.util.Set<String> tags(Map<String, AttributeValue> image) {
        AttributeValue tags = image == null ? null : image.get("tags");
        return tags == null || !tags.hasSs() ? null : java.util.Set.copyOf(tags.ss());
    }

    /** A stream record in the JSON shape Lambda's filters see ({@code dynamodb.NewImage.<name>.<type>}). */
    private static JsonNode streamJson(Record record) {
        var root = JSON.createObjectNode();
        var dynamodb = root.putObject("dynamodb");
        root.put("eventName", record.eventNameAsString());
        for (var image : Map.of("Keys", record.dynamodb().keys(), "NewImage", record.dynamodb().newImage(),
                "OldImage", record.dynamodb().oldImage()).entrySet()) {
            if (image.getValue() == null || image.getValue().isEmpty()) {
                continue;
            }
            var node = dynamodb.putObject(image.getKey());
            image.getValue().forEach((name, v) -> {
                var typed = node.putObject(name);
                if (v.s() != null) {
                    typed.put("S", v.s());
                } else if (v.n() != null) {
                    typed.put("N", v.n());
                } else if (v.hasSs()) {
                    v.ss().forEach(typed.putArray("SS")::add);
                } else if (v.b() != null) {
                    typed.put("B", java.util.Base64.getEncoder().encodeToString(v.b().asByteArray()));
                } else if (v.hasM()) {
                    typed.putObject("M");
                }
            });
        }
        return root;
    }

    /** Everything in the table's stream so far, as Lambda's event source mapping would hand it over. */
    private static DynamodbEvent streamOf(String table) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(rawStreamOf(table).stream().map(SegmentChangesTest::lambdaRecord).toList());
        return event;
    }

    private static List<Record> rawStreamOf(String table) {
        DynamoDbClient dynamo = DynamoDbLocal.client();
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        List<Record> records = new ArrayList<>();
        try (DynamoDbStreamsClient streams = DynamoDbLocal.configure(DynamoDbStreamsClient.builder()).build()) {
            for (var shard : streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
                String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                for (int page = 0; iterator != null && page < 20; page++) {
                    String current = iterator;
                    var batch = streams.getRecords(b -> b.shardIterator(current));
                    records.addAll(batch.records());
                    iterator = batch.records().isEmpty() ? null : batch.nextShardIterator();
                }
            }
        }
        return records;
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
