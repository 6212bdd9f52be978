package dev.winback.local.stack;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.local.SqsPoller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping run locally: long-polls the queue, gathers up to BatchSize messages
 * (waiting up to the batching window), invokes the function with the batch as {@link SqsPoller} builds
 * it, and deletes the messages that succeeded. Messages the function reports failed (or all of them,
 * on a function error) stay in the queue and come back after its visibility timeout; the queue's own
 * redrive policy moves them to its dead-letter queue after maxReceiveCount, as in AWS. Messages that
 * fail the mapping's filter are deleted without an invocation, as Lambda does.
 */
public final class QueueMapping implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MappingSettings settings;
    private final LocalFunction function;
    private final SqsClient sqs;
    private final BatchDelivery delivery;
    private final String queueUrl;
    private volatile boolean running = true;

    QueueMapping(MappingSettings settings, LocalFunction function, SqsClient sqs, BatchDelivery delivery) {
        this.settings = settings;
        this.function = function;
        this.sqs = sqs;
        this.delivery = delivery;
        this.queueUrl = delivery.queueUrl(settings.sourceArn());
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                List<Message> batch = gather();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                delivery.log(settings.name() + ": polling the queue failed, retrying: " + e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Up to BatchSize messages that pass the filter, waiting at most the batching window once one came. */
    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = Long.MAX_VALUE;
        while (running && batch.size() < settings.batchSize()) {
            int wanted = Math.min(10, settings.batchSize() - batch.size());
            // 1 s long polls keep Ctrl-C quick; an empty queue costs one request a second.
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(wanted)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            for (Message message : received) {
                if (settings.filter().matches(filterView(message))) {
                    batch.add(message);
                } else {
                    delete(message);
                }
            }
            if (batch.isEmpty()) {
                if (received.isEmpty()) {
                    break; // nothing waiting: poll again from the top
                }
                continue; // everything received was filtered out
            }
            if (windowEnds == Long.MAX_VALUE) {
                windowEnds = System.nanoTime() + Duration.ofSeconds(settings.batchingWindowSeconds()).toNanos();
            }
            if (received.isEmpty() || System.nanoTime() >= windowEnds) {
                break;
            }
        }
        return batch;
    }

    private void deliver(List<Message> batch) {
        BatchDelivery.Outcome outcome = delivery.invoke(function, settings, queueName(), batch.size(), event(batch));
        if (outcome.functionError()) {
            return; // every message comes back after the visibility timeout
        }
        Set<String> failed = new HashSet<>(outcome.failedItems());
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                delete(message);
            }
        }
    }

    private void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
    }

    private byte[] event(List<Message> batch) {
        SQSEvent event = SqsPoller.toEvent(batch, settings.sourceArn());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(SQSEvent.class, QueueMapping.class.getClassLoader()).toJson(event, out);
        return out.toByteArray();
    }

    /** Lambda filters SQS messages on their fields, with {@code body} parsed when it is JSON. */
    private static JsonNode filterView(Message message) {
        ObjectNode view = JSON.createObjectNode();
        view.put("messageId", message.messageId());
        try {
            view.set("body", JSON.readTree(message.body()));
        } catch (IOException notJson) {
            view.put("body", message.body());
        }
        return view;
    }

    private String queueName() {
        return settings.sourceArn().substring(settings.sourceArn().lastIndexOf(':') + 1);
    }
}
