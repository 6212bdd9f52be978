package dev.winback.handlers;

import dev.winback.adapters.DelayRoutedTimerScheduler;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.EventBridgeTimerScheduler;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SnsOptOutList;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.adapters.SqsTimerScheduler;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the functions' collaborators from the environment template.yaml sets. SDK clients use the
 * light URL-connection HTTP client; region, credentials and endpoint (AWS_ENDPOINT_URL) come from
 * the SDK's default chains. Each function builds only the clients it uses, once per environment.
 */
public final class Wiring {

    /** Subjects written at once per batch: enough to hide DynamoDB latency, few enough not to throttle. */
    static final int WRITE_PARALLELISM = 16;
    /** Opt-out answers are cached this long: a STOP takes effect within it. */
    static final Duration OPT_OUT_CACHE = Duration.ofMinutes(10);

    private final Policy policy;
    private final Function<String, String> environment;

    public Wiring(Policy policy, Function<String, String> environment) {
        this.policy = policy;
        this.environment = environment;
    }

    public static Wiring fromEnvironment() {
        Policy policy = PolicyLoader.defaults();
        String zone = System.getenv("POLICY_TIME_ZONE");
        if (zone != null && !zone.isBlank()) {
            policy = policy.withTimeZone(ZoneId.of(zone));
        }
        return new Wiring(policy, System::getenv);
    }

    /** IngestFunction: state table, quarantine queue, and timers (SQS for short, Scheduler for long). */
    public StreamIngest streamIngest() {
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SqsClient sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SchedulerClient scheduler = SchedulerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        TimerScheduler timers = new DelayRoutedTimerScheduler(
                new SqsTimerScheduler(sqs, required("TIMER_QUEUE_URL")),
                new EventBridgeTimerScheduler(scheduler, required("SCHEDULE_GROUP"), required("TIMER_QUEUE_ARN"),
                        required("SCHEDULER_ROLE_ARN"), required("SCHEDULE_DLQ_ARN")),
                policy.recall().timerQueueMaxDelay());
        return new StreamIngest(policy, new DynamoStateStore(dynamo, required("STATE_TABLE")),
                new SqsQuarantine(sqs, required("QUARANTINE_QUEUE_URL")), Clock.systemUTC(), WRITE_PARALLELISM, timers);
    }

    /** DeadlineCheckFunction: reads state, keeps its ledgers and decisions, sends through SNS. */
    public DeadlineCheck deadlineCheck() {
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SnsClient sns = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        String ledger = required("LEDGER_TABLE");
        String senderId = environment.apply("SMS_SENDER_ID");
        Recaller recaller = new Recaller(policy,
                new SnsOptOutList(sns, OPT_OUT_CACHE, Clock.systemUTC()),
                new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger),
                new DynamoSendLedger(dynamo, ledger),
                new SnsNotifier(sns, required("NOTIFICATIONS_TOPIC_ARN"), senderId == null || senderId.isBlank() ? null : senderId),
                new SnsCouponPublisher(sns, required("COUPONS_TOPIC_ARN")));
        return new DeadlineCheck(policy, new DynamoStateStore(dynamo, required("STATE_TABLE")), recaller,
                new DynamoDecisionLog(dynamo, ledger));
    }

    public Policy policy() {
        return policy;
    }

    /** DormantScanFunction: only the shard queue. */
    public dev.winback.core.dormancy.ShardTasks shardTasks() {
        SqsClient sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        return new dev.winback.adapters.SqsShardTasks(sqs, required("SCAN_SHARD_QUEUE_URL"));
    }

    /** DormantShardFunction: wired once the reminder channels land. */
    public dev.winback.core.dormancy.DormantReminders dormantReminders() {
        throw new UnsupportedOperationException("not wired yet");
    }

    private String required(String name) {
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }
}
