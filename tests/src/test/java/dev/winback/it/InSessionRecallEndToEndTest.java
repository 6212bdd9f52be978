package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.adapters.SqsTimerScheduler;
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
import dev.winback.local.LocalContext;
import dev.winback.local.SqsPoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The in-session loop on real engines: IngestFunction arms SQS message timers on MiniStack, the
 * timers arrive on the queue and are handled by DeadlineCheckFunction as the SQS event source
 * mapping would deliver them; ledgers and decisions in DynamoDB Local, the coupon notice on SNS.
 */
class InSessionRecallEndToEndTest {

    private static final Clock MORNING = Clock.fixed(Instant.parse("2026-11-22T01:05:00Z"), ZoneOffset.UTC);

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private final Policy policy = Fixtures.policyWithoutHoldout();

    @Test
    void stalledUserGetsOneCouponAndOneMessageAcrossAllHerTimersEvenWhenTimersAreRedelivered() {
        String state = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        String timerQueue = Fixtures.queue(sqs, "timers");
        String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
        String[] notifications = Fixtures.topicWithQueue(sns, sqs, "notifications");

        IngestHandler ingest = new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, state),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), MORNING, 4,
                new SqsTimerScheduler(sqs, timerQueue)), IngestMetrics.none());
        Recaller recaller = new Recaller(policy, phone -> false, new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger), new DynamoSendLedger(dynamo, ledger),
                new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0]));
        DeadlineCheckHandler check = new DeadlineCheckHandler(new DeadlineCheck(policy,
                new DynamoStateStore(dynamo, state), recaller, new DynamoDecisionLog(dynamo, ledger)),
                Fixtures.scenarioCheck(policy, dynamo, state, ledger, new SqsTimerScheduler(sqs, timerQueue),
                        new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0])),
                Fixtures.journeyCheck(policy, dynamo, state, ledger, new SqsTimerScheduler(sqs, timerQueue),
                        new SnsNotifier(sns, notifications[0], null), new SnsCouponPublisher(sns, coupons[0])),
                MORNING, DecisionMetrics.none());
        SqsPoller timers = new SqsPoller(sqs, timerQueue, Fixtures.queueArn(sqs, timerQueue));

        ingest.handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), new LocalContext("IngestFunction"));
        // u-1001 entered merchant, product and order pages and never ordered: three timers.
        // u-1002 ordered after entering pages: its timers were cancelled before they were armed.
        SqsPoller.Poll poll = timers.pollUntil(3, check::handleRequest, Duration.ofSeconds(30));

        assertThat(poll.failed()).isZero();
        List<Decision> decisions = new DynamoDecisionLog(dynamo, ledger).forUser("u-1001",
                Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(decisions).hasSize(3);
        assertThat(decisions).filteredOn(d -> d.outcome() == Decision.Outcome.SENT).hasSize(1);
        assertThat(decisions).filteredOn(d -> d.reasons().contains("frequency_cap")).hasSize(2);
        assertThat(drain(coupons[1])).hasSize(1);

        // SQS delivers at least once: the same three timers arrive again.
        Fixtures.requeueTimers(sqs, timerQueue, decisions);
        timers.pollUntil(3, check::handleRequest, Duration.ofSeconds(30));
        assertThat(drain(coupons[1])).isEmpty();
        assertThat(new DynamoDecisionLog(dynamo, ledger).forUser("u-1001", Instant.parse("2026-11-22T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"))).hasSize(3);
        assertThat(drain(timerQueue)).isEmpty();
    }

    private List<Message> drain(String queueUrl) {
        List<Message> all = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            int wait = round == 0 ? 1 : 0;
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(wait)).messages();
            messages.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
            all.addAll(messages);
        }
        return all;
    }
}
