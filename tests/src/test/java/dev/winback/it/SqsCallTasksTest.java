package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.SqsCallTasks;
import dev.winback.core.recall.Notifier;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The {@code call} channel: call tasks on MiniStack's SQS, standard and FIFO queues. */
class SqsCallTasksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static SqsClient sqs;

    @BeforeAll
    static void clients() {
        sqs = MiniStack.sqs();
    }

    private static Notifier.Message call(String decisionId, Map<String, String> attributes) {
        return new Notifier.Message(decisionId, "u-1001", "call", "+8613800001001",
                "您好，这里是吉和源：重废一今日3200，跌30。", attributes);
    }

    @Test
    void aCallTaskCarriesTheDocumentedJsonAndRoutingAttributes() throws Exception {
        String queue = Fixtures.queue(sqs, "winback-calls");
        Notifier calls = new SqsCallTasks(sqs, queue, Duration.ofHours(4), CLOCK);

        calls.send(call("dl-9f2c", Map.of("campaign", "price-2026-11-22", "trigger", "campaign")));

        Message received = receive(queue, 1).get(0);
        JsonNode task = JSON.readTree(received.body());
        assertThat(task.path("taskId").asText()).isEqualTo("dl-9f2c|call").isEqualTo(SqsCallTasks.taskId("dl-9f2c"));
        assertThat(task.path("decisionId").asText()).isEqualTo("dl-9f2c");
        assertThat(task.path("userId").asText()).isEqualTo("u-1001");
        assertThat(task.path("phone").asText()).isEqualTo("+8613800001001");
        assertThat(task.path("script").asText()).isEqualTo("您好，这里是吉和源：重废一今日3200，跌30。");
        assertThat(task.path("campaign").asText()).isEqualTo("price-2026-11-22");
        assertThat(task.path("trigger").asText()).isEqualTo("campaign");
        assertThat(task.path("createdAt").asText()).isEqualTo("2026-11-22T02:00:00Z");
        assertThat(task.path("dueBy").asText()).as("created + the time to call").isEqualTo("2026-11-22T06:00:00Z");

        assertThat(received.messageAttributes()).containsOnlyKeys("channel", "taskId", "campaign", "trigger");
        assertThat(received.messageAttributes().get("channel").stringValue()).isEqualTo("call");
        assertThat(received.messageAttributes().get("taskId").stringValue()).isEqualTo("dl-9f2c|call");
        assertThat(received.messageAttributes().get("campaign").stringValue()).isEqualTo("price-2026-11-22");
        assertThat(received.messageAttributes().values()).extracting(v -> v.stringValue())
                .as("the number and the script stay in the body").doesNotContain("+8613800001001");
    }

    @Test
    void aGivenDueByWinsAndAbsentCampaignFieldsAreLeftOut() throws Exception {
        String queue = Fixtures.queue(sqs, "winback-calls");

        new SqsCallTasks(sqs, queue, Duration.ofHours(4), CLOCK)
                .send(call("dl-due", Map.of(SqsCallTasks.DUE_BY, "2026-11-22T09:30:00Z")));

        Message received = receive(queue, 1).get(0);
        JsonNode task = JSON.readTree(received.body());
        assertThat(task.path("dueBy").asText()).isEqualTo("2026-11-22T09:30:00Z");
        assertThat(task.has("campaign")).isFalse();
        assertThat(task.has("trigger")).isFalse();
        assertThat(received.messageAttributes()).containsOnlyKeys("channel", "taskId");
    }

    @Test
    void aRetriedDecisionMakesTheSameTaskIdForTheConsumerToDrop() throws Exception {
        String queue = Fixtures.queue(sqs, "winback-calls");
        Notifier calls = new SqsCallTasks(sqs, queue);

        calls.send(call("dl-retry", Map.of()));
        calls.send(call("dl-retry", Map.of())); // the decision retried after a lost acknowledgement
        calls.send(call("dl-other", Map.of()));

        List<String> taskIds = receive(queue, 3).stream().map(SqsCallTasksTest::taskId).toList();
        assertThat(taskIds).containsExactlyInAnyOrder("dl-retry|call", "dl-retry|call", "dl-other|call");
        assertThat(taskIds.stream().distinct()).as("what a consumer deduplicating by taskId calls").hasSize(2);
    }

    @Test
    void onAFifoQueueSqsItselfDropsTheRepeat() throws Exception {
        String name = "winback-calls-" + UUID.randomUUID() + ".fifo";
        String queue = sqs.createQueue(b -> b.queueName(name)
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        Notifier calls = new SqsCallTasks(sqs, queue, Duration.ofHours(24), CLOCK);

        calls.send(call("dl-fifo", Map.of("campaign", "c1")));
        calls.send(call("dl-fifo", Map.of("campaign", "c1"))); // within the 5-minute deduplication window
        calls.send(call("dl-fifo-2", Map.of("campaign", "c1")));

        List<Message> received = receive(queue, 2);
        assertThat(received).extracting(SqsCallTasksTest::taskId).containsExactly("dl-fifo|call", "dl-fifo-2|call");
        assertThat(received.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .isEqualTo("dl-fifo|call");
        assertThat(received.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("u-1001");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages())
                .as("the repeat was dropped by SQS").isEmpty();
    }

    @Test
    void aMissingQueueIsARefusalCarryingTheErrorCodeNotTheNumber() {
        String gone = Fixtures.queue(sqs, "winback-calls-gone");
        sqs.deleteQueue(b -> b.queueUrl(gone));
        Notifier calls = new SqsCallTasks(sqs, gone);

        assertThatThrownBy(() -> calls.send(call("dl-gone", Map.of())))
                .isInstanceOf(Notifier.DeliveryException.class)
                .hasMessageContaining("dl-gone").hasMessageContaining("NonExistentQueue")
                .hasMessageNotContaining("+8613800001001").hasMessageNotContaining("吉和源");
    }

    @Test
    void invalidMessagesAreRefusedBeforeSqs() {
        Notifier calls = new SqsCallTasks(sqs, "https://sqs.invalid/000000000000/never-called");

        assertThatThrownBy(() -> calls.send(new Notifier.Message("dl-nophone", "u", "call", " ", "s", Map.of())))
                .isInstanceOf(Notifier.DeliveryException.class).hasMessageContaining("no phone number");
        assertThatThrownBy(() -> calls.send(call("dl-baddue", Map.of(SqsCallTasks.DUE_BY, "tomorrow"))))
                .isInstanceOf(Notifier.DeliveryException.class).hasMessageContaining(SqsCallTasks.DUE_BY);
        assertThatThrownBy(() -> calls.send(new Notifier.Message("dl-sms", "u", "sms", "+8613800001001", "s", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sms'");
    }

    private static String taskId(Message message) {
        try {
            return JSON.readTree(message.body()).path("taskId").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Receives (and deletes, so a FIFO group's next message is released) the expected number of messages. */
    private static List<Message> receive(String queueUrl, int expected) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (received.size() < expected && System.nanoTime() < deadline) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(10)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            batch.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
            received.addAll(batch);
        }
        assertThat(received).hasSize(expected);
        return received;
    }
}
