package dev.winback.it.support;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.local.StackTables;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Resources the tests create on the emulators, named uniquely so tests never share state. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The dormant-cohort index of the state table, as template.yaml defines it. */
    public static final String COHORT_INDEX = StackTables.COHORT_INDEX;

    /** A state table as template.yaml defines it ({@link StackTables#createStateTable}), named uniquely. */
    public static String stateTable(DynamoDbClient dynamo) {
        return StackTables.createStateTable(dynamo, "winback-state-" + UUID.randomUUID());
    }

    public static String queue(SqsClient sqs, String prefix) {
        return sqs.createQueue(b -> b.queueName(prefix + "-" + UUID.randomUUID())).queueUrl();
    }

    /** A sample event from events/, as `sam local invoke -e` would pass it. */
    public static KinesisEvent kinesisEvent(String file) {
        return EventLoader.loadKinesisEvent(RepoRoot.get().resolve("events").resolve(file).toString());
    }

    public static UserState user(DynamoDbClient dynamo, String table, String userId) {
        StoredState stored = stored(dynamo, table, SubjectKey.user(userId));
        return stored == null ? null : StateCodec.fromBytes(stored.body(), UserState.class);
    }

    public static StoredState stored(DynamoDbClient dynamo, String table, String key) {
        return new DynamoStateStore(dynamo, table).load(List.of(key)).get(key);
    }

    public static Map<String, StoredState> all(DynamoDbClient dynamo, String table) {
        return new java.util.TreeMap<>(dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                .map(item -> item.get("pk").s())
                .collect(java.util.stream.Collectors.toMap(k -> k, k -> stored(dynamo, table, k))));
    }

    /** A ledger table as template.yaml defines it ({@link StackTables#createLedgerTable}), named uniquely. */
    public static String ledgerTable(DynamoDbClient dynamo) {
        return StackTables.createLedgerTable(dynamo, "winback-ledger-" + UUID.randomUUID());
    }

    public static String queueArn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                        .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN))
                .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN);
    }

    /** A topic with a raw-delivery SQS subscriber, so tests can read what was published; returns {topicArn, queueUrl}. */
    public static String[] topicWithQueue(software.amazon.awssdk.services.sns.SnsClient sns, SqsClient sqs, String prefix) {
        String queueUrl = queue(sqs, prefix);
        String topicArn = sns.createTopic(b -> b.name(prefix + "-" + UUID.randomUUID())).topicArn();
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn(sqs, queueUrl))
                .attributes(Map.of("RawMessageDelivery", "true")));
        return new String[] {topicArn, queueUrl};
    }

    /** Sends the timers behind these deadline decisions to the queue again, as an at-least-once redelivery. */
    public static void requeueTimers(SqsClient sqs, String queueUrl, java.util.List<dev.winback.core.recall.Decision> decisions) {
        for (dev.winback.core.recall.Decision decision : decisions) {
            java.time.Instant due = decision.at();
            long seconds = ((Number) decision.details().get("timerSeconds")).longValue();
            dev.winback.core.recall.Timer timer = new dev.winback.core.recall.Timer(decision.userId(),
                    (String) decision.details().get("page"), due.minusSeconds(seconds), due);
            if (!timer.id().equals(decision.decisionId())) {
                throw new IllegalStateException("cannot rebuild the timer of " + decision.decisionId());
            }
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(dev.winback.core.recall.TimerMessage.toJson(timer)));
        }
    }

    /** An S3 client on MiniStack; path-style, since bucket.127.0.0.1 host names do not resolve. */
    public static software.amazon.awssdk.services.s3.S3Client s3() {
        return MiniStack.configure(software.amazon.awssdk.services.s3.S3Client.builder()).forcePathStyle(true).build();
    }

    /** A presigner whose URLs point at MiniStack, path-style, signed with the test credentials. */
    public static software.amazon.awssdk.services.s3.presigner.S3Presigner s3Presigner() {
        return software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .endpointOverride(MiniStack.endpoint()).region(MiniStack.region()).credentialsProvider(MiniStack.credentials())
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    /** A content bucket (B5 mailbox) with a unique name. */
    public static String contentBucket(software.amazon.awssdk.services.s3.S3Client s3) {
        String name = "winback-content-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    /**
     * The default policy without the 5 % holdout: for tests that count messages, where a user drawn
     * into a scenario's control group would be a different test (HoldoutTest covers the draw).
     */
    public static dev.winback.core.policy.Policy policyWithoutHoldout() {
        dev.winback.core.policy.Policy p = dev.winback.core.policy.PolicyLoader.defaults();
        return new dev.winback.core.policy.Policy(p.timeZone(), p.ingest(), p.recall(), p.dormancy(), p.segments(),
                p.scenarios(), p.messaging(), new dev.winback.core.policy.Policy.Attribution(p.attribution().window(), 0),
                p.geo(), p.journeys());
    }

    /**
     * The scenario check (C3/C4) on the same tables and channels as a test's deadline check, for
     * handlers that receive both kinds of timer. Scenario timers wait out quiet hours on {@code timers}.
     */
    public static dev.winback.core.scenario.ScenarioCheck scenarioCheck(dev.winback.core.policy.Policy policy,
            DynamoDbClient dynamo, String stateTable, String ledgerTable, dev.winback.core.recall.TimerScheduler timers,
            dev.winback.core.recall.Notifier notifier, dev.winback.core.recall.CouponPublisher wallet) {
        return new dev.winback.core.scenario.ScenarioCheck(policy,
                scheduledPorts(dynamo, stateTable, ledgerTable, timers, notifier, wallet));
    }

    /** The journey check (C5) on the same tables, channels and timers as {@link #scenarioCheck}. */
    public static dev.winback.core.scenario.JourneyCheck journeyCheck(dev.winback.core.policy.Policy policy,
            DynamoDbClient dynamo, String stateTable, String ledgerTable, dev.winback.core.recall.TimerScheduler timers,
            dev.winback.core.recall.Notifier notifier, dev.winback.core.recall.CouponPublisher wallet) {
        return new dev.winback.core.scenario.JourneyCheck(policy,
                scheduledPorts(dynamo, stateTable, ledgerTable, timers, notifier, wallet));
    }

    /** What scheduled messages (scenarios, journey steps) read and affect, on DynamoDB Local; nobody opted out. */
    private static dev.winback.core.scenario.ScenarioCheck.Ports scheduledPorts(DynamoDbClient dynamo, String stateTable,
            String ledgerTable, dev.winback.core.recall.TimerScheduler timers, dev.winback.core.recall.Notifier notifier,
            dev.winback.core.recall.CouponPublisher wallet) {
        return new dev.winback.core.scenario.ScenarioCheck.Ports(
                new dev.winback.adapters.DynamoStateStore(dynamo, stateTable),
                new dev.winback.adapters.DynamoDecisionLog(dynamo, ledgerTable), timers,
                new dev.winback.adapters.DynamoRewardStats(dynamo, ledgerTable),
                new dev.winback.adapters.DynamoRewardChoices(dynamo, ledgerTable), phone -> false,
                new dev.winback.adapters.DynamoContactHistory(dynamo, ledgerTable),
                new dev.winback.adapters.DynamoCouponLedger(dynamo, ledgerTable),
                new dev.winback.adapters.DynamoSendLedger(dynamo, ledgerTable), notifier, wallet,
                dev.winback.core.recall.SuppressionList.NONE);
    }
}
