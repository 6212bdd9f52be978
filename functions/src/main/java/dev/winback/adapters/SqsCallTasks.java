package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.recall.Notifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The {@code call} channel (D5: users who are not verified get a phone call): each message becomes a
 * call task on an SQS queue, for the agents' call-centre tool or a call service to pick up. The body
 * is JSON:
 *
 * <pre>{"taskId": "dl-3f2a…|call", "decisionId": "dl-3f2a…", "userId": "u-1001", "phone": "+8613800001001",
 *  "script": "…the message text…", "campaign": "price-2026-11", "trigger": "campaign",
 *  "createdAt": "2026-11-22T02:00:00Z", "dueBy": "2026-11-23T02:00:00Z"}</pre>
 *
 * <ul>
 *   <li>{@code taskId} is the decision id and the channel: the same decision always makes the same
 *       task, so a consumer that keeps the ids it has taken (a conditional write keyed by
 *       {@code taskId}) calls each user once whatever retries happened upstream. Delivery is at least
 *       once, as with any SQS queue.</li>
 *   <li>On a FIFO queue (its URL ends in {@code .fifo}) the task also carries
 *       {@code MessageDeduplicationId = taskId}, so SQS itself drops a repeat sent within its
 *       5-minute deduplication window, and {@code MessageGroupId} = the user, so one user's tasks
 *       stay in order while different users' are worked in parallel. Ids SQS would not accept (over
 *       128 characters or with other characters) are replaced by a digest.</li>
 *   <li>{@code campaign} and {@code trigger} come from the message attributes of the same names (left
 *       out when absent). {@code dueBy} is the attribute {@value #DUE_BY} (an ISO-8601 instant) when
 *       given, else the creation time plus the configured time to call (default 24 hours): a call
 *       about today's prices is worth little tomorrow, and the consumer should drop late tasks.</li>
 *   <li>Message attributes for routing without reading the body: {@code channel} ({@code call}),
 *       {@code taskId}, and {@code campaign} and {@code trigger} when present. The phone number and
 *       the script are only in the body (the queue should be encrypted: they are personal data).</li>
 * </ul>
 *
 * A refusal by SQS is a {@link Notifier.DeliveryException} carrying SQS's error code; nothing here
 * logs the number or the script.
 */
public final class SqsCallTasks implements Notifier {

    static final String CALL = "call";
    /** Message attribute: when the call stops being worth making (ISO-8601 instant). */
    public static final String DUE_BY = "call.dueBy";
    public static final String CAMPAIGN = "campaign";
    public static final String TRIGGER = "trigger";
    public static final Duration DEFAULT_TIME_TO_CALL = Duration.ofHours(24);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What SQS accepts as a deduplication or group id. */
    private static final Pattern FIFO_ID = Pattern.compile("[\\p{Alnum}\\p{Punct}]{1,128}");

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final Duration timeToCall;
    private final Clock clock;

    public SqsCallTasks(SqsClient sqs, String queueUrl) {
        this(sqs, queueUrl, DEFAULT_TIME_TO_CALL, Clock.systemUTC());
    }

    /** @param timeToCall how long after it is created a task is due when the message does not say */
    public SqsCallTasks(SqsClient sqs, String queueUrl, Duration timeToCall, Clock clock) {
        if (queueUrl == null || queueUrl.isBlank()) {
            throw new IllegalArgumentException("the call task queue URL is empty");
        }
        if (timeToCall == null || timeToCall.isNegative() || timeToCall.isZero()) {
            throw new IllegalArgumentException("the time to call must be positive");
        }
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.timeToCall = timeToCall;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The task id of a decision's call: stable across retries. */
    public static String taskId(String decisionId) {
        return decisionId + "|" + CALL;
    }

    @Override
    public void send(Message message) {
        if (!CALL.equals(message.channel())) {
            throw new IllegalArgumentException("the call task queue does not deliver channel '" + message.channel() + "'");
        }
        if (message.address() == null || message.address().isBlank()) {
            throw new DeliveryException("no phone number for the call task of decision " + message.decisionId(), null);
        }
        if (message.text() == null || message.text().isBlank()) {
            throw new DeliveryException("no script for the call task of decision " + message.decisionId(), null);
        }
        Map<String, String> attributes = message.attributes() == null ? Map.of() : message.attributes();
        String taskId = taskId(message.decisionId());
        Instant createdAt = clock.instant();
        Instant dueBy = dueBy(message, attributes, createdAt);

        ObjectNode task = JSON.createObjectNode();
        task.put("taskId", taskId);
        task.put("decisionId", message.decisionId());
        task.put("userId", message.userId());
        task.put("phone", message.address());
        task.put("script", message.text());
        putIfPresent(task, CAMPAIGN, attributes.get(CAMPAIGN));
        putIfPresent(task, TRIGGER, attributes.get(TRIGGER));
        task.put("createdAt", createdAt.toString());
        task.put("dueBy", dueBy.toString());

        Map<String, MessageAttributeValue> routing = new HashMap<>();
        routing.put("channel", string(CALL));
        routing.put("taskId", string(taskId));
        if (present(attributes.get(CAMPAIGN))) {
            routing.put(CAMPAIGN, string(attributes.get(CAMPAIGN)));
        }
        if (present(attributes.get(TRIGGER))) {
            routing.put(TRIGGER, string(attributes.get(TRIGGER)));
        }

        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl)
                .messageBody(json(task, message.decisionId())).messageAttributes(routing);
        if (fifo) {
            request.messageDeduplicationId(fifoId(taskId))
                    .messageGroupId(fifoId(message.userId() == null ? taskId : message.userId()));
        }
        try {
            sqs.sendMessage(request.build());
        } catch (AwsServiceException e) {
            throw new DeliveryException("the call task queue refused the task of decision " + message.decisionId()
                    + ": " + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ", request "
                    + e.requestId() + ")", null);
        } catch (SdkException e) {
            throw new DeliveryException("SQS unreachable for the call task of decision " + message.decisionId(), e);
        }
    }

    private Instant dueBy(Message message, Map<String, String> attributes, Instant createdAt) {
        String given = attributes.get(DUE_BY);
        if (!present(given)) {
            return createdAt.plus(timeToCall);
        }
        try {
            return Instant.parse(given.strip());
        } catch (DateTimeParseException e) {
            throw new DeliveryException("the attribute " + DUE_BY + " of decision " + message.decisionId()
                    + " is not an ISO-8601 instant", null);
        }
    }

    /** The id itself when SQS accepts it, else a digest of it (SQS allows 128 alphanumeric or punctuation characters). */
    static String fifoId(String id) {
        if (FIFO_ID.matcher(id).matches()) {
            return id;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(ObjectNode task, String decisionId) {
        try {
            return JSON.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the call task of decision " + decisionId, e);
        }
    }

    private static void putIfPresent(ObjectNode task, String field, String value) {
        if (present(value)) {
            task.put(field, value);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
