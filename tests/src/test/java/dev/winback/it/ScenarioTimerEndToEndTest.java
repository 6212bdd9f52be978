package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoInbox;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.adapters.DynamoStateStore;
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
import dev.winback.core.recall.TimerScheduler;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.local.LocalContext;
import dev.winback.local.SqsPoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The new_no_order scenario (C3/C4) on MiniStack and DynamoDB Local: ingest arms its timer when the
 * user registers, the timer reaches DeadlineCheckFunction through the timer queue, the reward is
 * chosen by Thompson sampling and counted in DynamoDB, the message goes out once, and a redelivered
 * timer changes nothing.
 */
class ScenarioTimerEndToEndTest {

    /** 30 minutes after the registration below: when the scenario's timer is due. */
    private static final Clock DUE = Clock.fixed(Instant.parse("2026-11-22T01:30:00Z"), ZoneOffset.UTC);

    private final Policy policy = Fixtures.policyWithoutHoldout();
    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();

    @Test
    void aNewUserWithoutAnOrderGetsTheScenariosRewardOnce() {
        String state = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        String timerQueue = Fixtures.queue(sqs, "timers");
        List<Timer> armed = new ArrayList<>();
        TimerScheduler recording = (timers, now) -> armed.addAll(timers);
        new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, state),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), DUE, 4,
                (timers, now) -> {
                    recording.schedule(timers, now);
                    // Only the scenario's timer goes on the queue: this test is about it, not the page deadlines.
                    new SqsTimerScheduler(sqs, timerQueue).schedule(timers.stream()
                            .filter(t -> t.page().startsWith("scenario:")).toList(), now);
                }), IngestMetrics.none())
                .handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), new LocalContext("IngestFunction"));
        assertThat(armed).filteredOn(t -> t.page().equals("scenario:new_no_order")).extracting(Timer::userId)
                .containsExactly("u-1001");

        String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
        SnsNotifier snsNotifier = new SnsNotifier(sns, Fixtures.topicWithQueue(sns, sqs, "notifications")[0], null);
        ChannelNotifier channels = new ChannelNotifier(Map.of("push", snsNotifier, "sms", snsNotifier,
                "inbox", new DynamoInbox(dynamo, ledger, DUE)));
        Recaller recaller = new Recaller(policy, phone -> false,
                new dev.winback.adapters.DynamoContactHistory(dynamo, ledger),
                new dev.winback.adapters.DynamoCouponLedger(dynamo, ledger),
                new dev.winback.adapters.DynamoSendLedger(dynamo, ledger), channels, new SnsCouponPublisher(sns, coupons[0]));
        DeadlineCheckHandler handler = new DeadlineCheckHandler(new DeadlineCheck(policy,
                new DynamoStateStore(dynamo, state), recaller, new DynamoDecisionLog(dynamo, ledger)),
                Fixtures.scenarioCheck(policy, dynamo, state, ledger, new SqsTimerScheduler(sqs, timerQueue), channels,
                        new SnsCouponPublisher(sns, coupons[0])),
                Fixtures.journeyCheck(policy, dynamo, state, ledger, new SqsTimerScheduler(sqs, timerQueue), channels,
                        new SnsCouponPublisher(sns, coupons[0])),
                DUE, DecisionMetrics.none());

        SqsPoller.Poll poll = new SqsPoller(sqs, timerQueue, Fixtures.queueArn(sqs, timerQueue))
                .pollUntil(1, handler::handleRequest, Duration.ofSeconds(30));
        assertThat(poll.failed()).isZero();

        List<Decision> scenario = new DynamoDecisionLog(dynamo, ledger).forUser("u-1001",
                Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z")).stream()
                .filter(d -> d.trigger().equals("scenario:new_no_order")).toList();
        assertThat(scenario).hasSize(1);
        Decision decision = scenario.getFirst();
        // u-1001 registered, never ordered, has a phone and no push endpoint: the reward goes out by SMS.
        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.SENT);
        assertThat(decision.channels()).containsExactly("sms");
        assertThat(decision.details()).containsKeys("reward", "posterior", "strategy");
        // The chosen reward's send is counted once in DynamoDB, for the bandit's next choice.
        assertThat(new DynamoRewardStats(dynamo, ledger).counts("new_no_order").values().stream()
                .mapToLong(counts -> counts.sends()).sum()).isEqualTo(1);

        // Delivered again (SQS is at least once): the decision stands.
        Timer timer = armed.stream().filter(t -> t.page().equals("scenario:new_no_order")).findFirst().orElseThrow();
        sqs.sendMessage(b -> b.queueUrl(timerQueue).messageBody(dev.winback.core.recall.TimerMessage.toJson(timer)));
        new SqsPoller(sqs, timerQueue, Fixtures.queueArn(sqs, timerQueue))
                .pollUntil(1, handler::handleRequest, Duration.ofSeconds(30));
        assertThat(new DynamoDecisionLog(dynamo, ledger).forUser("u-1001", Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z")).stream()
                .filter(d -> d.trigger().equals("scenario:new_no_order"))).hasSize(1);
        assertThat(new DynamoRewardStats(dynamo, ledger).counts("new_no_order").values().stream()
                .mapToLong(counts -> counts.sends()).sum()).isEqualTo(1);
    }
}
