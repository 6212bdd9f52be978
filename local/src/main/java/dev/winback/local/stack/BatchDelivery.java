package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Hands a batch to a function for a mapping and reads its answer (the batchItemFailures of
 * ReportBatchItemFailures, or a function error); prints one line per batch; sends the description of
 * a batch given up on to the mapping's on-failure queue, in the shape Lambda sends it.
 */
public final class BatchDelivery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Calls a function; the local stack's is {@link LocalFunction#invoke}, a test may wrap it. */
    @FunctionalInterface
    public interface Invoker {
        byte[] invoke(LocalFunction function, byte[] event) throws Exception;
    }

    /** @param failedItems the itemIdentifiers the function reported (empty when all succeeded) */
    public record Outcome(boolean functionError, List<String> failedItems) {
    }

    private final Invoker invoker;
    private final SqsClient sqs;
    private final Consumer<String> log;

    public BatchDelivery(Invoker invoker, SqsClient sqs, Consumer<String> log) {
        this.invoker = invoker;
        this.sqs = sqs;
        this.log = log;
    }

    Outcome invoke(LocalFunction function, MappingSettings mapping, String from, int records, byte[] event) {
        long started = System.nanoTime();
        Outcome outcome;
        String result;
        try {
            byte[] response = invoker.invoke(function, event);
            List<String> failed = mapping.reportBatchItemFailures() ? failedItems(response) : List.of();
            outcome = new Outcome(false, failed);
            result = failed.size() + " failed";
        } catch (Exception | LinkageError e) {
            outcome = new Outcome(true, List.of());
            result = "function error " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        log(String.format("%s <- %s %s: %d %s, %s (%d ms)", function.logicalId(), mapping.name(), from, records,
                records == 1 ? "record" : "records", result, (System.nanoTime() - started) / 1_000_000));
        return outcome;
    }

    /** Lambda's on-failure record for a stream batch given up on (the records stay in the stream). */
    void sendToOnFailure(MappingSettings mapping, LocalFunction function, String batchInfoName, ObjectNode batchInfo,
                         int attempts) {
        if (mapping.onFailureArn() == null) {
            log(mapping.name() + ": gave up on " + batchInfo.path("batchSize").asInt() + " records after " + attempts
                    + " attempts (no on-failure destination)");
            return;
        }
        ObjectNode record = JSON.createObjectNode();
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", mapping.functionArn());
        request.put("condition", "RetryAttemptsExhausted");
        request.put("approximateInvokeCount", attempts);
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        record.set(batchInfoName, batchInfo);
        String queueUrl = queueUrl(mapping.onFailureArn());
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(record.toString()));
        log(mapping.name() + ": gave up on " + batchInfo.path("batchSize").asInt() + " records from "
                + batchInfo.path("startSequenceNumber").asText() + " after " + attempts + " attempts; described on "
                + mapping.onFailureArn().substring(mapping.onFailureArn().lastIndexOf(':') + 1));
    }

    void log(String line) {
        log.accept(LocalTime.now(ZoneId.systemDefault()).format(CLOCK) + " " + line);
    }

    String queueUrl(String queueArn) {
        String name = queueArn.substring(queueArn.lastIndexOf(':') + 1);
        return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /** The itemIdentifiers of a StreamsEventResponse / SQSBatchResponse JSON. */
    static List<String> failedItems(byte[] response) throws java.io.IOException {
        List<String> items = new ArrayList<>();
        if (response == null || response.length == 0) {
            return items;
        }
        JsonNode answer = JSON.readTree(new String(response, StandardCharsets.UTF_8));
        if (answer != null) {
            for (JsonNode failure : answer.path("batchItemFailures")) {
                JsonNode id = failure.get("itemIdentifier");
                items.add(id == null || id.isNull() ? null : id.asText());
            }
        }
        return items;
    }
}
