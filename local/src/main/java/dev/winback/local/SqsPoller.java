package dev.winback.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads an SQS queue and invokes a handler the way Lambda's SQS event source mapping does: batches of
 * up to 10, messages the handler reports as failed stay in the queue (to come back after the
 * visibility timeout), the others are deleted.
 */
public final class SqsPoller {

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;

    public SqsPoller(SqsClient sqs, String queueUrl, String queueArn) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
    }

    /** What a poll did: messages handed to the handler and how many it reported failed. */
    public record Poll(int delivered, int failed) {
    }

    /** Polls until {@code expected} messages were handled successfully or {@code timeout} passes. */
    public Poll pollUntil(int expected, BiFunction<SQSEvent, Context, SQSBatchResponse> handler, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int delivered = 0;
        int succeeded = 0;
        int failed = 0;
        while (succeeded < expected && System.nanoTime() < deadline) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) {
                continue;
            }
            SQSBatchResponse response = handler.apply(toEvent(messages, queueArn), new LocalContext("DeadlineCheckFunction"));
            Set<String> failedIds = new HashSet<>();
            response.getBatchItemFailures().forEach(f -> failedIds.add(f.getItemIdentifier()));
            for (Message message : messages) {
                if (!failedIds.contains(message.messageId())) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    succeeded++;
                }
            }
            delivered += messages.size();
            failed += failedIds.size();
        }
        return new Poll(delivered, failed);
    }

    /** The Lambda event for a batch of messages, field for field as the event source mapping builds it. */
    public static SQSEvent toEvent(List<Message> messages, String queueArn) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(messages.size());
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setAttributes(message.attributesAsStrings());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
