package dev.winback.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.ingest.SequenceNumbers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a Kinesis stream and invokes a handler the way Lambda's event source mapping does: per shard,
 * in order, in batches, and with ReportBatchItemFailures semantics (a reported failure makes the
 * next batch start again at the lowest failed sequence number). Bounded by {@code maxRetries}.
 */
public final class KinesisPoller {

    private final KinesisClient kinesis;
    private final String streamName;
    private final int batchSize;
    private final int maxRetries;

    public KinesisPoller(KinesisClient kinesis, String streamName, int batchSize, int maxRetries) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
    }

    /** What a drain did: batches delivered, and how many of them reported failed records. */
    public record Drain(int batches, int records, int retriedBatches) {
    }

    /** Delivers every record now in the stream, from the trim horizon, then returns. */
    public Drain drainFromStart(BiFunction<KinesisEvent, Context, StreamsEventResponse> handler, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int batches = 0;
        int delivered = 0;
        int retried = 0;
        for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            int attempts = 0;
            while (iterator != null && System.nanoTime() < deadline) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(batchSize));
                if (response.records().isEmpty()) {
                    if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0) {
                        break; // caught up with the shard
                    }
                    iterator = response.nextShardIterator();
                    continue;
                }
                StreamsEventResponse result = handler.apply(toEvent(shard.shardId(), response.records()),
                        new LocalContext("IngestFunction"));
                batches++;
                delivered += response.records().size();
                String failedFrom = lowestFailure(result);
                if (failedFrom == null) {
                    attempts = 0;
                    iterator = response.nextShardIterator();
                } else {
                    retried++;
                    if (++attempts > maxRetries) {
                        throw new IllegalStateException("batch from " + failedFrom + " still failing after "
                                + maxRetries + " retries");
                    }
                    iterator = kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                            .startingSequenceNumber(failedFrom)).shardIterator();
                }
            }
        }
        return new Drain(batches, delivered, retried);
    }

    private static String lowestFailure(StreamsEventResponse response) {
        if (response == null || response.getBatchItemFailures() == null) {
            return null;
        }
        return response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .min(SequenceNumbers.ORDER).orElse(null);
    }

    /** The Lambda event for a batch of records, field for field as the event source mapping builds it. */
    public static KinesisEvent toEvent(String shardId, List<Record> records) {
        List<KinesisEvent.KinesisEventRecord> events = new ArrayList<>(records.size());
        for (Record record : records) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(record.data().asByteBuffer());
            kinesis.setSequenceNumber(record.sequenceNumber());
            kinesis.setPartitionKey(record.partitionKey());
            kinesis.setApproximateArrivalTimestamp(record.approximateArrivalTimestamp() == null ? null
                    : Date.from(record.approximateArrivalTimestamp()));
            kinesis.setKinesisSchemaVersion("1.0");
            KinesisEvent.KinesisEventRecord event = new KinesisEvent.KinesisEventRecord();
            event.setKinesis(kinesis);
            event.setEventSource("aws:kinesis");
            event.setEventName("aws:kinesis:record");
            event.setEventID(shardId + ":" + record.sequenceNumber());
            events.add(event);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(events);
        return event;
    }
}
