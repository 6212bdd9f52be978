package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DelayRoutedTimerScheduler;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoInbox;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.EventBridgeTimerScheduler;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.adapters.SqsTimerScheduler;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.state.JourneyProgress;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.local.LocalContext;
import dev.winback.local.SqsPoller;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The onboarding journey (C5) on MiniStack and DynamoDB Local, with the real timer routing: when the
 * user registers, IngestFunction arms the day-1 step (a day and an hour away) as an EventBridge
 * Scheduler {@code at()} schedule; MiniStack's scheduler really fires it into the timer queue;
 * DeadlineCheckFunction takes it through the decision pipeline, moves the user to day 3 and arms that
 * step as the next schedule; a redelivered day-1 timer changes nothing.
 *
 * <p>The registration is placed a day and an hour minus 20 seconds in the past, and IngestFunction runs
 * "then" (its clock two seconds after it), so the step is a day away for the router and 20 seconds
 * away for MiniStack, whose scheduler sweeps every 10 seconds.
 */
class JourneyEndToEndTest {

    private static final String ROLE_ARN = "arn:aws:iam::000000000000:role/winback-scheduler";
    private static final Duration DAY_ONE = Duration.parse("P1DT1H");
    private static final Duration DAY_THREE = Duration.parse("P3DT1H");

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();

    /**
     * The shipped policy without the control group (this test counts messages) and without the
     * new_no_order scenario, whose 30-minute timer would be due a day ago here.
     */
    private static Policy policy() {
        return Fixtures.policyWithoutHoldout().withScenarios(Map.of());
    }

    @Test
    void theDayOneStepFiresFromItsScheduleThroughThePipelineOnce() {
        Policy policy = policy();
        Instant registered = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(DAY_ONE).plusSeconds(20);
        String userId = "u-journey-" + UUID.randomUUID().toString().substring(0, 8);
        // Midday in the user's own time zone whatever the hour of this run: outside quiet hours.
        int offset = Math.floorMod(12 - Instant.now().atZone(ZoneOffset.UTC).getHour() + 11, 24) - 11;
        String timeZone = ZoneOffset.ofHours(offset).getId();

        String state = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        String timerQueue = Fixtures.queue(sqs, "timers");
        try (SchedulerClient scheduler = MiniStack.configure(SchedulerClient.builder()).build()) {
            String group = "winback-timers-" + UUID.randomUUID().toString().substring(0, 8);
            scheduler.createScheduleGroup(b -> b.name(group));
            TimerScheduler timers = new DelayRoutedTimerScheduler(new SqsTimerScheduler(sqs, timerQueue),
                    new EventBridgeTimerScheduler(scheduler, group, Fixtures.queueArn(sqs, timerQueue), ROLE_ARN,
                            Fixtures.queueArn(sqs, Fixtures.queue(sqs, "schedule-dlq"))),
                    policy.recall().timerQueueMaxDelay());

            // Registration: IngestFunction, running at the time, arms the day-1 step.
            Clock atRegistration = Clock.fixed(registered.plusSeconds(2), ZoneOffset.UTC);
            new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, state),
                    new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), atRegistration, 1, timers),
                    IngestMetrics.none()).handleRequest(kinesis(registered,
                            event("e1", userId, "register", registered, ""),
                            event("e2", userId, "profile_updated", registered.plusSeconds(1),
                                    ",\"phone\":\"+8613800002222\",\"timezone\":\"" + timeZone + "\"")),
                    new LocalContext("IngestFunction"));
            Timer dayOne = new Timer(userId, "journey:onboarding:day1", registered, registered.plus(DAY_ONE));
            assertThat(scheduler.getSchedule(b -> b.groupName(group).name(dayOne.slot())).scheduleExpression())
                    .as("a day away when armed: an at() schedule, not an SQS message timer")
                    .isEqualTo("at(" + dayOne.dueAt().toString().replace("Z", "") + ")");
            assertThat(Fixtures.user(dynamo, state, userId).journeys.get("onboarding"))
                    .isEqualTo(JourneyProgress.startedAt(registered, "day1", DAY_ONE));

            // The schedule fires into the timer queue; DeadlineCheckFunction decides the step.
            String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
            SnsNotifier snsNotifier = new SnsNotifier(sns, Fixtures.topicWithQueue(sns, sqs, "notifications")[0], null);
            ChannelNotifier channels = new ChannelNotifier(Map.of("push", snsNotifier, "sms", snsNotifier,
                    "inbox", new DynamoInbox(dynamo, ledger, Clock.systemUTC())));
            SnsCouponPublisher wallet = new SnsCouponPublisher(sns, coupons[0]);
            Recaller recaller = new Recaller(policy, phone -> false,
                    new dev.winback.adapters.DynamoContactHistory(dynamo, ledger),
                    new dev.winback.adapters.DynamoCouponLedger(dynamo, ledger),
                    new dev.winback.adapters.DynamoSendLedger(dynamo, ledger), channels, wallet);
            DeadlineCheckHandler handler = new DeadlineCheckHandler(new DeadlineCheck(policy,
                    new DynamoStateStore(dynamo, state), recaller, new DynamoDecisionLog(dynamo, ledger)),
                    Fixtures.scenarioCheck(policy, dynamo, state, ledger, timers, channels, wallet),
                    Fixtures.journeyCheck(policy, dynamo, state, ledger, timers, channels, wallet),
                    Clock.systemUTC(), DecisionMetrics.none());
            AtomicReference<Instant> arrived = new AtomicReference<>();
            SqsPoller.Poll poll = new SqsPoller(sqs, timerQueue, Fixtures.queueArn(sqs, timerQueue))
                    .pollUntil(1, (event, context) -> {
                        arrived.compareAndSet(null, Instant.now());
                        return handler.handleRequest(event, context);
                    }, Duration.ofSeconds(60));
            assertThat(poll.failed()).isZero();
            assertThat(poll.delivered()).as("the schedule fired within 60 s").isEqualTo(1);
            System.out.printf("Journey step schedule arrived %d ms after its due time%n",
                    Duration.between(dayOne.dueAt(), arrived.get()).toMillis());
            assertThat(arrived.get()).isAfterOrEqualTo(dayOne.dueAt());

            List<Decision> decisions = decisions(ledger, userId, registered);
            assertThat(decisions).hasSize(1);
            Decision decision = decisions.getFirst();
            assertThat(decision.decisionId()).isEqualTo(dayOne.id());
            assertThat(decision.trigger()).isEqualTo("journey:onboarding:day1");
            assertThat(decision.outcome()).isEqualTo(Decision.Outcome.SENT);
            assertThat(decision.channels()).as("day 1 goes by push or inbox; no push endpoint").containsExactly("inbox");
            assertThat(decision.details()).containsEntry("journey", "onboarding").containsEntry("step", "day1")
                    .containsEntry("startedAt", registered.toString());
            assertThat(inbox(ledger, userId)).hasSize(1);

            // The journey moved on: day 3 is pending and armed as the next schedule; day 1's is gone.
            assertThat(Fixtures.user(dynamo, state, userId).journeys.get("onboarding"))
                    .isEqualTo(JourneyProgress.startedAt(registered, "day3", DAY_THREE));
            Timer dayThree = new Timer(userId, "journey:onboarding:day3", registered, registered.plus(DAY_THREE));
            assertThat(TimerMessage.fromJson(scheduler.getSchedule(b -> b.groupName(group).name(dayThree.slot()))
                    .target().input())).isEqualTo(dayThree);
            assertThatThrownBy(() -> scheduler.getSchedule(b -> b.groupName(group).name(dayOne.slot())))
                    .isInstanceOf(ResourceNotFoundException.class);

            // The day-1 timer once more (delivery is at least once): a silent no-op.
            sqs.sendMessage(b -> b.queueUrl(timerQueue).messageBody(TimerMessage.toJson(dayOne)));
            assertThat(new SqsPoller(sqs, timerQueue, Fixtures.queueArn(sqs, timerQueue))
                    .pollUntil(1, handler::handleRequest, Duration.ofSeconds(30)).failed()).isZero();
            assertThat(decisions(ledger, userId, registered)).hasSize(1);
            assertThat(inbox(ledger, userId)).hasSize(1);
            scheduler.deleteSchedule(b -> b.groupName(group).name(dayThree.slot()));
        }
    }

    private List<Decision> decisions(String ledger, String userId, Instant registered) {
        return new DynamoDecisionLog(dynamo, ledger).forUser(userId, registered, registered.plus(Duration.ofDays(10)));
    }

    private List<Map<String, AttributeValue>> inbox(String ledger, String userId) {
        return dynamo.query(b -> b.tableName(ledger).keyConditionExpression("pk = :pk AND begins_with(sk, :inbox)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("user#" + userId),
                        ":inbox", AttributeValue.fromS("inbox#")))).items();
    }

    private static String event(String id, String userId, String type, Instant at, String more) {
        return "{\"eventId\":\"" + id + "\",\"userId\":\"" + userId + "\",\"type\":\"" + type
                + "\",\"occurredAt\":\"" + at + "\"" + more + "}";
    }

    /** The lines as one Kinesis batch, arriving two seconds after the registration. */
    private static KinesisEvent kinesis(Instant registered, String... lines) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(lines[i].getBytes(StandardCharsets.UTF_8)));
            kinesis.setSequenceNumber(String.format("%056d", i + 1));
            kinesis.setPartitionKey("p");
            kinesis.setApproximateArrivalTimestamp(Date.from(registered.plusSeconds(2)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventID("shardId-000000000000:" + kinesis.getSequenceNumber());
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
