package dev.winback.handlers;

import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DynamoCampaignLedger;
import dev.winback.adapters.StateContactCards;
import dev.winback.adapters.DynamoDirectory;
import dev.winback.adapters.DynamoInbox;
import dev.winback.adapters.SecretsManagerWeChatOfficialCredentials;
import dev.winback.adapters.SqsCallTasks;
import dev.winback.adapters.SqsCampaignQueue;
import dev.winback.adapters.WeChatOfficialClient;
import dev.winback.adapters.WeChatOfficialNotifier;
import dev.winback.core.geo.CampaignFeedback;
import dev.winback.core.geo.CampaignLaunch;
import dev.winback.core.geo.CampaignSender;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryConsumer;
import dev.winback.core.geo.SiteCampaignRequests;
import dev.winback.adapters.DelayRoutedTimerScheduler;
import dev.winback.adapters.DynamoDormantCohort;
import dev.winback.adapters.DynamoRewardChoices;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.adapters.S3ContentMailbox;
import dev.winback.adapters.SchedulerReminderDeferral;
import dev.winback.adapters.SecretsManagerWeComCredentials;
import dev.winback.adapters.SesEmailNotifier;
import dev.winback.adapters.WeComClient;
import dev.winback.adapters.WeComNotifier;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Notifier;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
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
import dev.winback.core.scenario.ScenarioCheck;
import java.math.BigDecimal;
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
    // One client of each kind per execution environment, however many collaborators use it: a
    // function wiring both its checks (DeadlineCheckFunction) pays each client's start-up once.
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private SnsClient sns;
    private SchedulerClient scheduler;
    private SnsOptOutList optOuts;

    public Wiring(Policy policy, Function<String, String> environment) {
        this.policy = policy;
        this.environment = environment;
    }

    /**
     * Lambda's wiring, which also registers the function's SnapStart {@link Priming}: it runs before the
     * snapshot on what this wiring built by then (the handler's constructor builds everything it uses).
     */
    public static Wiring fromEnvironment() {
        Function<String, String> environment = LOCAL_ENVIRONMENT.get();
        if (environment == null) {
            environment = System::getenv;
        }
        Wiring wiring = new Wiring(policyFrom(environment), environment);
        Priming.onCheckpoint(wiring.policy, wiring::clientsBuilt);
        return wiring;
    }

    /** Set only while {@link #withEnvironment} builds a function; Lambda never sets it. */
    private static final ThreadLocal<Function<String, String>> LOCAL_ENVIRONMENT = new ThreadLocal<>();

    /**
     * Builds something (a handler, through its no-arg constructor) whose {@link #fromEnvironment()}
     * reads these variables instead of the process's. Lambda gives each function a process of its
     * own; the local stack ({@code ./winback up}) runs every function of the template in one JVM, each
     * with its deployed environment, and wires each one exactly as Lambda would.
     */
    public static <T> T withEnvironment(Map<String, String> variables, java.util.function.Supplier<T> build) {
        Function<String, String> previous = LOCAL_ENVIRONMENT.get();
        LOCAL_ENVIRONMENT.set(Map.copyOf(variables)::get);
        try {
            return build.get();
        } finally {
            if (previous == null) {
                LOCAL_ENVIRONMENT.remove();
            } else {
                LOCAL_ENVIRONMENT.set(previous);
            }
        }
    }

    /** The SDK clients built so far: what {@link Priming} exercises. */
    Set<Priming.Client> clientsBuilt() {
        Set<Priming.Client> built = EnumSet.noneOf(Priming.Client.class);
        if (dynamo != null) {
            built.add(Priming.Client.DYNAMODB);
        }
        if (sqs != null) {
            built.add(Priming.Client.SQS);
        }
        if (sns != null) {
            built.add(Priming.Client.SNS);
        }
        if (scheduler != null) {
            built.add(Priming.Client.SCHEDULER);
        }
        if (s3 != null) {
            built.add(Priming.Client.S3);
        }
        return built;
    }

    /**
     * The packaged policy with the stack's parameters applied, each only when set:
     * POLICY_TIME_ZONE (PolicyTimeZone) and COUPON_DAILY_BUDGET (DailyCouponBudget). Every function
     * builds its policy here, so they all agree on the day boundaries and the budget.
     */
    public static Policy policyFrom(Function<String, String> environment) {
        Policy policy = PolicyLoader.defaults();
        String zone = environment.apply("POLICY_TIME_ZONE");
        if (zone != null && !zone.isBlank()) {
            policy = policy.withTimeZone(ZoneId.of(zone.strip()));
        }
        String budget = environment.apply("COUPON_DAILY_BUDGET");
        if (budget != null && !budget.isBlank()) {
            policy = policy.withDailyCouponBudget(amount("COUPON_DAILY_BUDGET", budget.strip()));
        }
        return policy;
    }

    private static BigDecimal amount(String variable, String text) {
        try {
            BigDecimal amount = new BigDecimal(text);
            if (amount.signum() >= 0) {
                return amount;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be an amount of 0 or more such as 2500.00, was '" + text + "'");
    }

    /** IngestFunction: state table, quarantine queue, and timers (SQS for short, Scheduler for long). */
    public StreamIngest streamIngest() {
        DynamoDbClient dynamo = dynamo();
        SqsClient sqs = sqs();
        TimerScheduler timers = timerScheduler(sqs);
        return new StreamIngest(policy, new DynamoStateStore(dynamo, required("STATE_TABLE")),
                new SqsQuarantine(sqs, required("QUARANTINE_QUEUE_URL")), Clock.systemUTC(), WRITE_PARALLELISM, timers);
    }

    /**
     * DeadlineCheckFunction's scenario timers (C3/C4): the same ledgers and channels as recalls, the
     * reward counters in the ledger table, and the timer scheduler to wait out quiet hours.
     */
    public ScenarioCheck scenarioCheck() {
        return new ScenarioCheck(policy, scheduledMessagePorts());
    }

    /**
     * DeadlineCheckFunction's journey steps (C5): the scenario checks' ports; the state table is also
     * written (the user's place in the journey), and the timer scheduler arms the next step.
     */
    public dev.winback.core.scenario.JourneyCheck journeyCheck() {
        return new dev.winback.core.scenario.JourneyCheck(policy, scheduledMessagePorts());
    }

    /** What scenario and journey decisions share. No suppression list is kept yet: nobody is listed. */
    private ScenarioCheck.Ports scheduledMessagePorts() {
        DynamoDbClient dynamo = dynamo();
        SnsClient sns = sns();
        String ledger = required("LEDGER_TABLE");
        return new ScenarioCheck.Ports(new DynamoStateStore(dynamo, required("STATE_TABLE")),
                new DynamoDecisionLog(dynamo, ledger), timerScheduler(sqs()),
                new DynamoRewardStats(dynamo, ledger), new DynamoRewardChoices(dynamo, ledger),
                optOuts(), new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger), new DynamoSendLedger(dynamo, ledger),
                scenarioChannels(dynamo, sns, ledger), new SnsCouponPublisher(sns, required("COUPONS_TOPIC_ARN")),
                new dev.winback.adapters.DynamoSuppressionList(dynamo, ledger));
    }

    /** Push and SMS through SNS, the in-app inbox in the ledger table, ad audiences on their topic. */
    private Notifier scenarioChannels(DynamoDbClient dynamo, SnsClient sns, String ledger) {
        SnsNotifier snsNotifier = new SnsNotifier(sns, required("NOTIFICATIONS_TOPIC_ARN"), optional("SMS_SENDER_ID"));
        return new ChannelNotifier(Map.of("push", snsNotifier, "sms", snsNotifier,
                "inbox", new dev.winback.adapters.DynamoInbox(dynamo, ledger, Clock.systemUTC()),
                "ad_audience", new dev.winback.adapters.SnsAudiencePublisher(sns, required("AUDIENCE_TOPIC_ARN"),
                        Clock.systemUTC())));
    }

    /** Deadlines up to the policy's threshold as SQS message timers, longer ones as Scheduler at() schedules. */
    private TimerScheduler timerScheduler(SqsClient sqs) {
        SchedulerClient scheduler = scheduler();
        return new DelayRoutedTimerScheduler(
                new SqsTimerScheduler(sqs, required("TIMER_QUEUE_URL")),
                new EventBridgeTimerScheduler(scheduler, required("SCHEDULE_GROUP"), required("TIMER_QUEUE_ARN"),
                        required("SCHEDULER_ROLE_ARN"), required("SCHEDULE_DLQ_ARN")),
                policy.recall().timerQueueMaxDelay());
    }

    /** DeadlineCheckFunction: reads state, keeps its ledgers and decisions, sends through SNS. */
    public DeadlineCheck deadlineCheck() {
        DynamoDbClient dynamo = dynamo();
        SnsClient sns = sns();
        String ledger = required("LEDGER_TABLE");
        String senderId = optional("SMS_SENDER_ID");
        Recaller recaller = new Recaller(policy,
                optOuts(),
                new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger),
                new DynamoSendLedger(dynamo, ledger),
                new SnsNotifier(sns, required("NOTIFICATIONS_TOPIC_ARN"), senderId),
                new SnsCouponPublisher(sns, required("COUPONS_TOPIC_ARN")),
                new dev.winback.adapters.DynamoSuppressionList(dynamo, ledger));
        return new DeadlineCheck(policy, new DynamoStateStore(dynamo, required("STATE_TABLE")), recaller,
                new DynamoDecisionLog(dynamo, ledger));
    }

    /** SegmentChangesFunction: only the segment-changes topic. */
    public dev.winback.core.segments.SegmentFeed segmentFeed() {
        return new dev.winback.core.segments.SegmentFeed(
                new dev.winback.adapters.SnsSegmentChangePublisher(sns(), required("SEGMENT_CHANGES_TOPIC_ARN")));
    }

    /**
     * ConversionFunction (C7, C4 feedback): decisions, conversions, the send ledger's count claims and
     * the reward counters, all in the ledger table; the attribution window from the policy.
     */
    public dev.winback.core.conversion.ConversionConsumer conversionConsumer() {
        DynamoDbClient dynamo = dynamo();
        String ledger = required("LEDGER_TABLE");
        return new dev.winback.core.conversion.ConversionConsumer(policy,
                new dev.winback.core.conversion.ConversionTracking(policy.attribution().window(),
                        new DynamoDecisionLog(dynamo, ledger), new dev.winback.adapters.DynamoConversionLog(dynamo, ledger),
                        new DynamoSendLedger(dynamo, ledger), new DynamoRewardStats(dynamo, ledger)));
    }

    public Policy policy() {
        return policy;
    }

    /** DormantScanFunction: only the shard queue. */
    public dev.winback.core.dormancy.ShardTasks shardTasks() {
        SqsClient sqs = sqs();
        return new dev.winback.adapters.SqsShardTasks(sqs, required("SCAN_SHARD_QUEUE_URL"));
    }

    /** Custom content links stay valid this long: about the span of one dormancy episode's reminders. */
    static final Duration CONTENT_LINK_LIFETIME = Duration.ofDays(7);

    /**
     * DormantShardFunction: the cohort index, ledgers and decisions, the content mailbox, deferrals,
     * and every reminder channel — WeCom only when its secret is configured, email only with a sender.
     */
    public DormantReminders dormantReminders() {
        DynamoDbClient dynamo = dynamo();
        SnsClient sns = sns();
        SchedulerClient scheduler = scheduler();
        S3Client s3 = s3();
        String state = required("STATE_TABLE");
        String ledger = required("LEDGER_TABLE");
        Map<String, Notifier> channels = new HashMap<>();
        SnsNotifier snsNotifier = new SnsNotifier(sns, required("NOTIFICATIONS_TOPIC_ARN"), optional("SMS_SENDER_ID"));
        channels.put("sms", snsNotifier);
        channels.put("push", snsNotifier);
        if (optional("WECOM_SECRET_ID") != null) {
            SecretsManagerClient secrets = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
            channels.put("wecom", new WeComNotifier(new WeComClient(
                    new SecretsManagerWeComCredentials(secrets, optional("WECOM_SECRET_ID")))));
        }
        if (optional("EMAIL_FROM") != null) {
            SesV2Client ses = SesV2Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
            channels.put("email", new SesEmailNotifier(ses, optional("EMAIL_FROM"), optional("SES_CONFIGURATION_SET")));
        }
        return new DormantReminders(policy,
                new DynamoDormantCohort(dynamo, state, required("STATE_COHORT_INDEX")),
                new DynamoStateStore(dynamo, state),
                new S3ContentMailbox(s3, S3Presigner.builder().build(), required("CONTENT_BUCKET"),
                        required("CONTENT_PREFIX"), CONTENT_LINK_LIFETIME, Clock.systemUTC()),
                optOuts(),
                new DynamoContactHistory(dynamo, ledger),
                new Delivery(new DynamoSendLedger(dynamo, ledger), new ChannelNotifier(channels)),
                new DynamoDecisionLog(dynamo, ledger),
                new SchedulerReminderDeferral(scheduler, required("SCHEDULE_GROUP"), required("REMINDER_QUEUE_ARN"),
                        required("SCHEDULER_ROLE_ARN"), required("SCHEDULE_DLQ_ARN")),
                new dev.winback.adapters.DynamoSuppressionList(dynamo, ledger));
    }

    // ------------------------------------------------------------------ geo campaigns (D1-D8)

    /** Index keys a campaign reads at once: enough to hide Query latency, few enough not to throttle. */
    static final int DIRECTORY_QUERY_PARALLELISM = 16;

    private S3Client s3;
    private SqsCampaignQueue campaignQueue;

    /** The directory table with the ledger table's engagements. */
    private DynamoDirectory directory() {
        return new DynamoDirectory(dynamo(), required("DIRECTORY_TABLE"), required("LEDGER_TABLE"),
                DIRECTORY_QUERY_PARALLELISM, Clock.systemUTC());
    }

    /** DirectoryFunction: profiles and campaign feedback into the directory (D1, D7). */
    public DirectoryConsumer directoryConsumer() {
        return new DirectoryConsumer(policy, directory(), new CampaignFeedback(), WRITE_PARALLELISM);
    }

    /** CampaignFunction: launch requests planned over the directory, recorded in the ledger, fanned out to the send queue. */
    public SiteCampaignRequests siteCampaignRequests() {
        return new SiteCampaignRequests(policy, new CampaignLaunch(policy, directory(),
                new DynamoCampaignLedger(dynamo(), required("LEDGER_TABLE")), campaignQueue(), Clock.systemUTC()));
    }

    /** The campaign send queue: fan-out, deferrals past quiet hours, hiding tasks that are not due. */
    public SqsCampaignQueue campaignQueue() {
        if (campaignQueue == null) {
            campaignQueue = new SqsCampaignQueue(sqs(), required("CAMPAIGN_SEND_QUEUE_URL"));
        }
        return campaignQueue;
    }

    /**
     * CampaignSendFunction (D5): SMS through SNS, the in-app inbox in the ledger table, call tasks on
     * their queue, and the WeChat official account when its secret (and template) are configured; the
     * same suppression list, opt-out list, send ledger and decision log as every trigger; consents and
     * time zones from the state table.
     */
    public CampaignSender campaignSender() {
        DynamoDbClient dynamo = dynamo();
        String ledger = required("LEDGER_TABLE");
        Map<String, Notifier> channels = new HashMap<>();
        channels.put(CampaignSender.SMS, new SnsNotifier(sns(), null, optional("SMS_SENDER_ID")));
        channels.put(CampaignSender.INBOX, new DynamoInbox(dynamo, ledger, Clock.systemUTC()));
        channels.put(CampaignSender.CALL, new SqsCallTasks(sqs(), required("CALL_TASK_QUEUE_URL")));
        if (optional("WECHAT_SECRET_ID") != null) {
            SecretsManagerClient secrets = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
            String keyword = optional("WECHAT_TEXT_KEYWORD");
            channels.put(CampaignSender.WECHAT, new WeChatOfficialNotifier(new WeChatOfficialClient(
                    new SecretsManagerWeChatOfficialCredentials(secrets, optional("WECHAT_SECRET_ID"))),
                    new WeChatOfficialNotifier.Template(required("WECHAT_TEMPLATE_ID"), keyword == null ? "thing1" : keyword,
                            Map.of(), "link")));
        }
        CampaignSender.Ports ports = new CampaignSender.Ports(directory(),
                new StateContactCards(new DynamoStateStore(dynamo, required("STATE_TABLE"))),
                new dev.winback.adapters.DynamoSuppressionList(dynamo, ledger), optOuts(),
                new DynamoSendLedger(dynamo, ledger), new ChannelNotifier(channels), channels.keySet(),
                new DynamoDecisionLog(dynamo, ledger), campaignQueue());
        return new CampaignSender(policy, ports, new CampaignFeedback());
    }

    /** ImportFunction: entries and placements only (an import touches no engagement). */
    public Directory directoryWriter() {
        return new DynamoDirectory(dynamo(), required("DIRECTORY_TABLE"), null, DIRECTORY_QUERY_PARALLELISM,
                Clock.systemUTC());
    }

    public S3Client s3() {
        if (s3 == null) {
            s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
        }
        return s3;
    }

    private DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        }
        return dynamo;
    }

    private SqsClient sqs() {
        if (sqs == null) {
            sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        }
        return sqs;
    }

    private SnsClient sns() {
        if (sns == null) {
            sns = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        }
        return sns;
    }

    private SchedulerClient scheduler() {
        if (scheduler == null) {
            scheduler = SchedulerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        }
        return scheduler;
    }

    /** Shared so that both checks of one function answer from one opt-out cache. */
    private SnsOptOutList optOuts() {
        if (optOuts == null) {
            optOuts = new SnsOptOutList(sns(), OPT_OUT_CACHE, Clock.systemUTC());
        }
        return optOuts;
    }

    private String optional(String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    private String required(String name) {
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }
}
