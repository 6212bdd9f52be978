package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Translates between Lambda's Kinesis event types and the core's stream records and report. */
final class KinesisRecords {

    private KinesisRecords() {
    }

    static List<StreamRecord> of(KinesisEvent event) {
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<StreamRecord> result = new ArrayList<>(records.size());
        for (KinesisEvent.KinesisEventRecord record : records) {
            KinesisEvent.Record kinesis = record.getKinesis();
            ByteBuffer data = kinesis.getData() == null ? ByteBuffer.allocate(0) : kinesis.getData().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            Instant arrivedAt = kinesis.getApproximateArrivalTimestamp() == null ? null
                    : kinesis.getApproximateArrivalTimestamp().toInstant();
            result.add(new StreamRecord(kinesis.getSequenceNumber(), kinesis.getPartitionKey(), arrivedAt, bytes,
                    shardOf(record.getEventID())));
        }
        return result;
    }

    /** Lambda names a record "shardId-000000000000:sequence"; the shard is what operators need. */
    private static String shardOf(String eventId) {
        if (eventId == null) {
            return null;
        }
        int colon = eventId.indexOf(':');
        return colon < 0 ? eventId : eventId.substring(0, colon);
    }

    static StreamsEventResponse response(IngestReport report) {
        List<StreamsEventResponse.BatchItemFailure> failures = report.failedSequenceNumbers().stream()
                .map(sequence -> StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build())
                .toList();
        return StreamsEventResponse.builder().withBatchItemFailures(new ArrayList<>(failures)).build();
    }

    /** Asks the stream to deliver again from {@code sequenceNumber} on; null: the batch is done. */
    static StreamsEventResponse retryFrom(String sequenceNumber) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        if (sequenceNumber != null) {
            failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequenceNumber).build());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }
}
