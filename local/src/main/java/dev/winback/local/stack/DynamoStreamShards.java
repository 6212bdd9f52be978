package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** A DynamoDB table stream's shards for a {@link StreamMapping}; records in Lambda's DynamoDB event shape. */
final class DynamoStreamShards implements StreamMapping.Shards<Record> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;

    DynamoStreamShards(DynamoDbStreamsClient streams, String streamArn, String region) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
    }

    @Override
    public List<String> shardIds() {
        return streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().stream()
                .map(Shard::shardId).toList();
    }

    @Override
    public String iterator(String shardId, String type, String sequenceNumber) {
        return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.fromValue(type)).sequenceNumber(sequenceNumber)).shardIterator();
    }

    @Override
    public StreamMapping.Page<Record> read(String iterator, int limit) {
        GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(iterator).limit(Math.min(limit, 1000)));
        return new StreamMapping.Page<>(response.records(), response.nextShardIterator());
    }

    @Override
    public String sequenceNumber(Record record) {
        return record.dynamodb().sequenceNumber();
    }

    @Override
    public Instant arrival(Record record) {
        return record.dynamodb().approximateCreationDateTime();
    }

    @Override
    public JsonNode filterView(Record record) {
        return lambdaRecord(record);
    }

    @Override
    public byte[] event(String shardId, List<Record> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        records.forEach(r -> array.add(lambdaRecord(r)));
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String batchInfoName() {
        return "DDBStreamBatchInfo";
    }

    /** One stream record as Lambda's DynamoDB event carries it. */
    private ObjectNode lambdaRecord(Record record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("eventID", record.eventID());
        node.put("eventName", record.eventNameAsString());
        node.put("eventVersion", record.eventVersion() == null ? "1.1" : record.eventVersion());
        node.put("eventSource", "aws:dynamodb");
        node.put("awsRegion", region);
        StreamRecord change = record.dynamodb();
        ObjectNode dynamodb = node.putObject("dynamodb");
        if (change.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
        }
        if (change.hasKeys()) {
            dynamodb.set("Keys", image(change.keys()));
        }
        if (change.hasNewImage()) {
            dynamodb.set("NewImage", image(change.newImage()));
        }
        if (change.hasOldImage()) {
            dynamodb.set("OldImage", image(change.oldImage()));
        }
        dynamodb.put("SequenceNumber", change.sequenceNumber());
        if (change.sizeBytes() != null) {
            dynamodb.put("SizeBytes", change.sizeBytes());
        }
        if (change.streamViewTypeAsString() != null) {
            dynamodb.put("StreamViewType", change.streamViewTypeAsString());
        }
        node.put("eventSourceARN", streamArn);
        return node;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = JSON.createObjectNode();
        item.forEach((name, value) -> image.set(name, attribute(value)));
        return image;
    }

    /** An attribute value in DynamoDB's JSON ({"S": ...}, {"N": ...}, {"M": {...}}, ...). */
    private static ObjectNode attribute(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        if (value.s() != null) {
            node.put("S", value.s());
        } else if (value.n() != null) {
            node.put("N", value.n());
        } else if (value.b() != null) {
            node.put("B", base64(value.b()));
        } else if (value.bool() != null) {
            node.put("BOOL", value.bool());
        } else if (Boolean.TRUE.equals(value.nul())) {
            node.put("NULL", true);
        } else if (value.hasSs()) {
            value.ss().forEach(node.putArray("SS")::add);
        } else if (value.hasNs()) {
            value.ns().forEach(node.putArray("NS")::add);
        } else if (value.hasBs()) {
            ArrayNode bs = node.putArray("BS");
            value.bs().forEach(b -> bs.add(base64(b)));
        } else if (value.hasM()) {
            node.set("M", image(value.m()));
        } else if (value.hasL()) {
            ArrayNode list = node.putArray("L");
            value.l().forEach(v -> list.add(attribute(v)));
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
