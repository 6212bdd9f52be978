package dev.winback.local.stack;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.local.KinesisPoller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** A Kinesis stream's shards for a {@link StreamMapping}; batches become the event {@link KinesisPoller} builds. */
final class KinesisShards implements StreamMapping.Shards<Record> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KinesisClient kinesis;
    private final String streamArn;
    private final String streamName;
    private final String region;

    KinesisShards(KinesisClient kinesis, String streamArn, String region) {
        this.kinesis = kinesis;
        this.streamArn = streamArn;
        this.streamName = streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
        this.region = region;
    }

    @Override
    public List<String> shardIds() {
        return kinesis.listShards(b -> b.streamName(streamName)).shards().stream().map(Shard::shardId).toList();
    }

    @Override
    public String iterator(String shardId, String type, String sequenceNumber) {
        return kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shardId)
                .shardIteratorType(ShardIteratorType.fromValue(type)).startingSequenceNumber(sequenceNumber)).shardIterator();
    }

    @Override
    public StreamMapping.Page<Record> read(String iterator, int limit) {
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(iterator).limit(Math.min(limit, 10_000)));
        return new StreamMapping.Page<>(response.records(), response.nextShardIterator());
    }

    @Override
    public String sequenceNumber(Record record) {
        return record.sequenceNumber();
    }

    @Override
    public Instant arrival(Record record) {
        return record.approximateArrivalTimestamp();
    }

    /** Lambda filters on the record's fields with {@code data} parsed when it is JSON. */
    @Override
    public JsonNode filterView(Record record) {
        ObjectNode view = JSON.createObjectNode();
        view.put("partitionKey", record.partitionKey());
        view.put("sequenceNumber", record.sequenceNumber());
        try {
            view.set("data", JSON.readTree(record.data().asByteArray()));
        } catch (IOException notJson) {
            view.put("data", record.data().asUtf8String());
        }
        return view;
    }

    @Override
    public byte[] event(String shardId, List<Record> records) {
        KinesisEvent event = KinesisPoller.toEvent(shardId, records);
        event.getRecords().forEach(r -> {
            r.setEventSourceARN(streamArn);
            r.setAwsRegion(region);
            r.setEventVersion("1.0");
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(KinesisEvent.class, KinesisShards.class.getClassLoader()).toJson(event, out);
        return out.toByteArray();
    }

    @Override
    public String batchInfoName() {
        return "KinesisBatchInfo";
    }
}
