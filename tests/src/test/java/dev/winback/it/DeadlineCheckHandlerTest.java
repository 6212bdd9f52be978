package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DelayRoutedTimerScheduler;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoInbox;
import dev.winback.adapters.EventBridgeTimerScheduler;
import dev.winback.adapters.SqsTimerScheduler;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.state.JourneyProgress;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
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
 * events/kinesis-batch.json: DynamoDB Local for state and ledgers, MiniStack SNS for the coupon notice
 * and MiniStack's EventBridge Scheduler for a journey's next step.
 */
class DeadlineCheckHandlerTest {

    /** 09:05 in Shanghai, outside quiet hours, the morning of the sample events. */
    private static final Clock DECISION_TIME = Clock.fixed(Instant.parse("2026-11-22T01:05:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private final Policy policy = Fixtures.policyWithoutHoldout();
    private String state;
    private String ledger;
    private String couponsQueue;
    private DeadlineCheckHandler handler;

    @BeforeEach
    void stateFromTheSampleBatch() {
        state = Fixtures.stateTable(dynamo);
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
                Fixtures.journeyCheck(policy, dynamo, state, ledger,
                        new dev.winback.adapters.SqsTimerScheduler(sqs, Fixtures.queue(sqs, "timers")),
                        new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0])),
                DECISION_TIME, DecisionMetrics.none());
    }

    /**
     * events/sqs-journey-step.json: u-1001's day-1 onboarding step, delivered twice by its schedule. One
     * welcome message in the in-app inbox (the step has no reward and u-1001 no push endpoint), the
     * journey moves to day 3, whose step is armed as an at() schedule on MiniStack's Scheduler (three
     * days and an hour after the registration); the second copy changes nothing.
     */
    @Test
    void aJourneyStepSendsOnceAndArmsTheNextStepOnTheScheduler() {
        Instant registered = Instant.parse("2026-11-22T01:00:00Z");
        Clock dayOne = Clock.fixed(Instant.parse("2026-11-23T02:00:01Z"), ZoneOffset.UTC);
        try (SchedulerClient scheduler = MiniStack.configure(SchedulerClient.builder()).build()) {
            String group = "winback-timers-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            scheduler.createScheduleGroup(b -> b.name(group));
            String timerQueue = Fixtures.queue(sqs, "timers");
            TimerScheduler timers = new DelayRoutedTimerScheduler(new SqsTimerScheduler(sqs, timerQueue),
                    new EventBridgeTimerScheduler(scheduler, group, Fixtures.queueArn(sqs, timerQueue),
                            "arn:aws:iam::000000000000:role/winback-scheduler",
                            Fixtures.queueArn(sqs, Fixtures.queue(sqs, "schedule-dlq"))),
                    policy.recall().timerQueueMaxDelay());
            ChannelNotifier channels = new ChannelNotifier(Map.of("inbox", new DynamoInbox(dynamo, ledger, dayOne)));
            // Only journey timers arrive here: the deadline and scenario checks are not needed.
            DeadlineCheckHandler steps = new DeadlineCheckHandler(null, null,
                    Fixtures.journeyCheck(policy, dynamo, state, ledger, timers, channels,
                            (couponId, decisionId, userId, amount, kind, at) -> {
                                throw new AssertionError("a step without rewards grants nothing");
                            }),
                    dayOne, DecisionMetrics.none());

            SQSBatchResponse response = steps.handleRequest(load("sqs-journey-step.json"),
                    new LocalContext("DeadlineCheckFunction"));

            assertThat(response.getBatchItemFailures()).isEmpty();
            List<Decision> journey = new DynamoDecisionLog(dynamo, ledger).forUser("u-1001",
                    Instant.parse("2026-11-21T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
            assertThat(journey).hasSize(1);
            Decision decision = journey.getFirst();
            assertThat(decision.trigger()).isEqualTo("journey:onboarding:day1");
            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.SENT);
            assertThat(decision.channels()).containsExactly("inbox");
            assertThat(decision.coupon()).isNull();
            assertThat(decision.at()).isEqualTo(Instant.parse("2026-11-23T02:00:00Z"));
            assertThat(decision.details()).containsEntry("journey", "onboarding").containsEntry("step", "day1")
                    .containsEntry("startedAt", registered.toString());
            assertThat(dynamo.query(b -> b.tableName(ledger).keyConditionExpression("pk = :pk AND begins_with(sk, :inbox)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("user#u-1001"),
                            ":inbox", AttributeValue.fromS("inbox#")))).items())
                    .as("one welcome message however often the step arrives").hasSize(1)
                    .allSatisfy(item -> assertThat(item.get("text").s()).startsWith("欢迎"));

            JourneyProgress progress = Fixtures.user(dynamo, state, "u-1001").journeys.get("onboarding");
            assertThat(progress.running()).isTrue();
            assertThat(progress.step()).isEqualTo("day3");
            assertThat(progress.startedAt()).isEqualTo(registered);
            Timer dayThree = new Timer("u-1001", "journey:onboarding:day3", registered,
                    registered.plus(java.time.Duration.parse("P3DT1H")));
            GetScheduleResponse schedule = scheduler.getSchedule(b -> b.groupName(group).name(dayThree.slot()));
            assertThat(schedule.scheduleExpression()).isEqualTo("at(2026-11-25T02:00:00)");
            assertThat(TimerMessage.fromJson(schedule.target().input())).isEqualTo(dayThree);
            scheduler.deleteSchedule(b -> b.groupName(group).name(dayThree.slot()));
        }
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
