package dev.winback.adapters;

import dev.winback.core.ingest.Quarantine;
import dev.winback.core.ingest.QuarantineMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Quarantined records go to an SQS queue, ten per request, each message carrying its reason. */
public final class SqsQuarantine implements Quarantine {

    private static final int MAX_BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsQuarantine(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public Set<String> send(List<QuarantinedRecord> records) {
        Set<String> failed = new HashSet<>();
        for (int from = 0; from < records.size(); from += MAX_BATCH) {
            List<QuarantinedRecord> chunk = records.subList(from, Math.min(records.size(), from + MAX_BATCH));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                QuarantinedRecord q = chunk.get(i);
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(QuarantineMessage.toJsonString(q))
                        .messageAttributes(Map.of("reason", MessageAttributeValue.builder()
                                .dataType("String").stringValue(q.reason().code()).build()))
                        .build());
            }
            try {
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                response.failed().forEach(f -> failed.add(chunk.get(Integer.parseInt(f.id())).record().sequenceNumber()));
            } catch (BatchRequestTooLongException e) {
                sendOneByOne(chunk, entries, failed); // several large records: each still fits alone
            } catch (SdkException e) {
                chunk.forEach(q -> failed.add(q.record().sequenceNumber()));
            }
        }
        return failed;
    }

    private void sendOneByOne(List<QuarantinedRecord> chunk, List<SendMessageBatchRequestEntry> entries,
                              Set<String> failed) {
        for (int i = 0; i < chunk.size(); i++) {
            SendMessageBatchRequestEntry entry = entries.get(i);
            try {
                sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(entry.messageBody())
                        .messageAttributes(entry.messageAttributes()));
            } catch (SdkException e) {
                failed.add(chunk.get(i).record().sequenceNumber());
            }
        }
    }
}
