package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Recaller;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * DeadlineCheckFunction's handler fed by the SQS samples in events/, after IngestFunction applied
 * events/kinesis-batch.json: DynamoDB Local for state and ledgers, MiniStack SNS for the coupon notice.
 */
class DeadlineCheckHandlerTest {

    /** 09:05 in Shanghai, outside quiet hours, the morning of the sample events. */
    private static final Clock DECISION_TIME = Clock.fixed(Instant.parse("2026-11-22T01:05:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private final Policy policy = Fixtures.policyWithoutHoldout();
    private String ledger;
    private String couponsQueue;
    private DeadlineCheckHandler handler;

    @BeforeEach
    void stateFromTheSampleBatch() {
        String state = Fixtures.stateTable(dynamo);
        ledger = Fixtures.ledgerTable(dynamo);
        new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, state),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), Clock.systemUTC(), 4), IngestMetrics.none())
                .handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), new LocalContext("IngestFunction"));
        String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
        String[] notifications = Fixtures.topicWithQueue(sns, sqs, "notifications");
        couponsQueue = coupons[1];
        Recaller recaller = new Recaller(policy, phone -> false, new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger), new DynamoSendLedger(dynamo, ledger),
                new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0]));
        handler = new DeadlineCheckHandler(new DeadlineCheck(policy, new DynamoStateStore(dynamo, state), recaller,
                new DynamoDecisionLog(dynamo, ledger)),
                Fixtures.scenarioCheck(policy, dynamo, state, ledger,
                        new dev.winback.adapters.SqsTimerScheduler(sqs, Fixtures.queue(sqs, "timers")),
                        new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0])),
                DECISION_TIME, DecisionMetrics.none());
    }

    @Test
    void stalledCartIsRecalledAndTheCancelledTimerIsSilent() throws IOException {
        SQSBatchResponse response = invoke("sqs-deadline-timer.json");

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Decision> u1001 = decisions("u-1001");
        assertThat(u1001).hasSize(1);
        Decision decision = u1001.getFirst();
        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.SENT);
        assertThat(decision.trigger()).isEqualTo("deadline");
        assertThat(decision.reasons()).contains("intent_low");
        assertThat(decision.channels()).containsExactly("sms"); // u-1001 has a phone, no push endpoint
        assertThat(decision.coupon().amount()).isPositive();
        assertThat(decision.at()).isEqualTo(Instant.parse("2026-11-22T01:03:55Z"));
        // u-1002 ordered before the deadline: the timer was cancelled, nothing is decided.
        assertThat(decisions("u-1002")).isEmpty();
        List<JsonNode> notices = receive(couponsQueue);
        assertThat(notices).hasSize(1);
        assertThat(notices.getFirst().get("userId").asText()).isEqualTo("u-1001");
        assertThat(notices.getFirst().get("amount").decimalValue()).isEqualByComparingTo(decision.coupon().amount());
    }

    @Test
    void aRedeliveredTimerIssuesOneCouponAndOneSend() throws IOException {
        SQSBatchResponse response = invoke("sqs-deadline-redelivered.json");

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(decisions("u-1001")).hasSize(1).allSatisfy(d -> assertThat(d.outcome()).isEqualTo(Decision.Outcome.SENT));
        assertThat(receive(couponsQueue)).hasSize(1);
        // Delivered once more, later: still one coupon notice, the ledger remembers.
        invoke("sqs-deadline-redelivered.json");
        assertThat(receive(couponsQueue)).isEmpty();
        assertThat(decisions("u-1001")).hasSize(1);
    }

    @Test
    void unreadableTimerMessagesFailAloneAndTheGoodOneIsDecided() {
        SQSEvent event = load("sqs-deadline-poison.json");

        SQSBatchResponse response = handler.handleRequest(event, new LocalContext("DeadlineCheckFunction"));

        List<String> bad = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                dev.winback.core.recall.TimerMessage.fromJson(message.getBody());
            } catch (IllegalArgumentException unreadable) {
                bad.add(message.getMessageId());
            }
        }
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrderElementsOf(bad);
        assertThat(bad).hasSize(2);
        assertThat(decisions("u-1001")).hasSize(1);
    }

    private SQSBatchResponse invoke(String file) {
        return handler.handleRequest(load(file), new LocalContext("DeadlineCheckFunction"));
    }

    private static SQSEvent load(String file) {
        return EventLoader.loadSQSEvent(RepoRoot.get().resolve("events").resolve(file).toString());
    }

    private List<Decision> decisions(String userId) {
        return new DynamoDecisionLog(dynamo, ledger).forUser(userId, Instant.parse("2026-11-21T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"));
    }

    private List<JsonNode> receive(String queueUrl) throws IOException {
        List<JsonNode> bodies = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            int wait = round == 0 ? 1 : 0;
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(wait)).messages();
            for (Message message : messages) {
                bodies.add(JSON.readTree(message.body()));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }
}
