package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoDormantCohort;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SesEmailNotifier;
import dev.winback.adapters.SnsCouponPublisher;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.WeComClient;
import dev.winback.adapters.WeComCredentials;
import dev.winback.adapters.WeComNotifier;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.dormancy.ReminderMessage;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.DormantShardHandler;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.CrashInjector;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.FaultProxy;
import dev.winback.it.support.FaultScore;
import dev.winback.it.support.FaultTrace;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RecallPipeline;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fault suite: a seeded synthetic trace through IngestFunction, its timers and
 * DeadlineCheckFunction on real engines (DynamoDB Local, MiniStack), once per fault, with the fault
 * injected at the engines' doorstep ({@link FaultProxy}), inside the function ({@link CrashInjector})
 * or in the delivery ({@link RecallPipeline.Options}); each run must end exactly where the fault-free
 * simulation of the same trace ends — same user states, same decisions, the same coupons announced
 * once and the same SMS sent once ({@link FaultScore}). Each run prints one summary line; README
 * "Reliability" quotes them.
 */
class FaultSuiteTest {

    private static final int USERS = 32;
    private static final int SESSIONS = 2;
    private static final List<String> SUMMARY = new ArrayList<>();

    @TempDir
    static Path work;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Policy policy = Fixtures.policyWithoutHoldout();

    @AfterAll
    static void printSummary() throws IOException {
        String table = String.join("\n", SUMMARY);
        System.out.println("Fault suite\n" + table);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("fault-suite.txt"), table + "\n");
        }
    }

    @Test
    void kinesisRedeliversEveryBatchAndProducersSendEventsTwice() {
        FaultTrace trace = trace(2);
        RecallPipeline pipeline = new RecallPipeline(policy, DynamoDbLocal.client(), MiniStack.sns(),
                RecallPipeline.Options.plain().redeliverEveryBatch(true).replayEarlierBatch(0.1));
        // A producer retry: the same event (same eventId) put again as a new record, a few records later.
        List<String> lines = new ArrayList<>(trace.lines());
        Random random = new Random(2);
        int retries = 0;
        for (int i = lines.size() - 1; i > 0; i--) {
            if (random.nextInt(20) == 0) {
                lines.add(Math.min(lines.size(), i + 1 + random.nextInt(3)), lines.get(i));
                retries++;
            }
        }

        RecallPipeline.Deliveries deliveries = pipeline.replay(lines);

        assertThat(deliveries.redeliveredBatches()).isGreaterThan(100);
        report("Kinesis redelivery (every batch twice, 10 % replayed later) + producer retries (same eventId)",
                deliveries.redeliveredBatches() + retries, trace, deliveries, FaultScore.of(trace, pipeline));
    }

    @Test
    void poisonRecordsAreQuarantinedWithTheirReasonAndBlockNothing() {
        FaultTrace trace = trace(6);
        List<RecallPipeline.Line> lines = new ArrayList<>();
        Map<String, Integer> expected = new TreeMap<>();
        Random random = new Random(6);
        for (String line : trace.lines()) {
            lines.add(new RecallPipeline.Line(line, null));
            if (random.nextInt(8) == 0) {
                Poison poison = Poison.values()[random.nextInt(Poison.values().length)];
                JsonNode near = FaultTrace.read(line);
                Instant arrival = Instant.parse(near.path("occurredAt").asText());
                lines.add(new RecallPipeline.Line(poison.line(near, arrival), arrival));
                expected.merge(poison.code, 1, Integer::sum);
            }
        }
        RecallPipeline pipeline = new RecallPipeline(policy, DynamoDbLocal.client(), MiniStack.sns(),
                RecallPipeline.Options.plain());

        RecallPipeline.Deliveries deliveries = pipeline.replayArrivals(lines);

        List<JsonNode> quarantined = pipeline.quarantined();
        Map<String, Integer> byReason = new TreeMap<>();
        quarantined.forEach(q -> byReason.merge(q.path("reason").path("code").asText(), 1, Integer::sum));
        assertThat(byReason).isEqualTo(expected);
        assertThat(quarantined).allSatisfy(q -> assertThat(q.path("reason").path("message").asText()).isNotBlank());
        int poisons = expected.values().stream().mapToInt(Integer::intValue).sum();
        report("poison records " + expected, poisons, trace, deliveries, FaultScore.of(trace, pipeline));
    }

    @Test
    void timersDeliveredTwiceAtOnceDecideOnce() {
        FaultTrace trace = trace(7);
        RecallPipeline pipeline = new RecallPipeline(policy, DynamoDbLocal.client(), MiniStack.sns(),
                RecallPipeline.Options.plain().timerDeliveries(2));

        RecallPipeline.Deliveries deliveries = pipeline.replay(trace.lines());

        report("timer delivered twice at once (SQS / Scheduler retry)", deliveries.timerMessages() / 2, trace,
                deliveries, FaultScore.of(trace, pipeline));
    }

    @Test
    void dynamoDbThrottlesAndFails() {
        FaultTrace trace = trace(3);
        try (FaultProxy proxy = FaultProxy.inFrontOf(DynamoDbLocal.endpoint(), 3)) {
            proxy.inject(0.05, Set.of(), FaultProxy.dynamoThroughputExceeded(), FaultProxy.dynamoThrottling(),
                    FaultProxy.dynamoInternalError(), FaultProxy.dynamoUnavailable());
            proxy.inject(0.02, Set.of("PutItem", "TransactWriteItems", "DeleteItem", "UpdateItem"),
                    FaultProxy.dynamoResponseLost());
            // Now and then a throttle that outlasts the SDK's 9 attempts: the function reports it.
            proxy.injectBursts(250, 12, Set.of(), FaultProxy.dynamoThroughputExceeded());
            RecallPipeline pipeline = new RecallPipeline(policy, dynamo(proxy), MiniStack.sns(),
                    RecallPipeline.Options.plain());

            RecallPipeline.Deliveries deliveries = pipeline.replay(trace.lines());

            report("DynamoDB throttling, 500, 503, lost responses " + proxy.injected(), proxy.injectedTotal(), trace,
                    deliveries, FaultScore.of(trace, pipeline));
        }
    }

    @Test
    void snsThrottlesAndFails() {
        FaultTrace trace = trace(4);
        try (FaultProxy proxy = FaultProxy.inFrontOf(MiniStack.endpoint(), 4)) {
            proxy.inject(0.2, Set.of("Publish"), FaultProxy.snsThrottling(), FaultProxy.snsInternalError());
            proxy.injectBursts(15, 4, Set.of("Publish"), FaultProxy.snsThrottling()); // outlasts the SDK's 3 attempts
            RecallPipeline pipeline = new RecallPipeline(policy, DynamoDbLocal.client(), sns(proxy),
                    RecallPipeline.Options.plain());

            RecallPipeline.Deliveries deliveries = pipeline.replay(trace.lines());

            report("SNS Throttling and 500 on Publish " + proxy.injected(), proxy.injectedTotal(), trace, deliveries,
                    FaultScore.of(trace, pipeline));
        }
    }

    @Test
    void theFunctionsDieMidBatchAndTheBatchIsReplayed() {
        FaultTrace trace = trace(5);
        CrashInjector afterStateWrite = new CrashInjector(r -> r instanceof PutItemRequest p
                && p.item().containsKey("st"), 37);
        CrashInjector afterCoupon = new CrashInjector(r -> r instanceof TransactWriteItemsRequest, 4);
        CrashInjector afterPublish = new CrashInjector(r -> r instanceof PublishRequest, 5);
        RecallPipeline pipeline = new RecallPipeline(policy,
                dynamo(null, afterStateWrite, afterCoupon), sns(null, afterPublish), RecallPipeline.Options.plain());

        RecallPipeline.Deliveries deliveries = pipeline.replay(trace.lines());

        int crashes = afterStateWrite.crashes() + afterCoupon.crashes() + afterPublish.crashes();
        assertThat(deliveries.crashes() + deliveries.timerCrashes()).isEqualTo(crashes).isGreaterThan(10);
        report("crash mid-batch (after a state write, a coupon, a publish), batch replayed", crashes, trace,
                deliveries, FaultScore.of(trace, pipeline));
    }

    /**
     * Clock skew: a quarter of the users' devices were offline and their events arrive after
     * everyone else's, shuffled and stamped in the past; other events arrive stamped 6 to 60 minutes
     * ahead of the stream's clock. The future ones are quarantined ({@code future_timestamp}); the
     * late ones are applied, and what the SPEC defines independently of arrival order — counts,
     * sums, day buckets, first and last times, profile, segments, dormancy day — equals the in-order
     * result. Everyone else ends exactly where the reference ends.
     */
    @Test
    void lateAndFutureStampedEvents() {
        FaultTrace trace = trace(8);
        Random random = new Random(8);
        List<String> users = new ArrayList<>(trace.eventsOf().keySet());
        Set<String> offline = new TreeSet<>(users.subList(0, users.size() / 4));
        List<RecallPipeline.Line> onTime = new ArrayList<>();
        List<RecallPipeline.Line> late = new ArrayList<>();
        int future = 0;
        for (String line : trace.lines()) {
            JsonNode event = FaultTrace.read(line);
            Instant at = Instant.parse(event.path("occurredAt").asText());
            if (offline.contains(event.path("userId").asText())) {
                late.add(new RecallPipeline.Line(line, null));
                continue;
            }
            onTime.add(new RecallPipeline.Line(line, null));
            if (random.nextInt(15) == 0) {
                ObjectNode ahead = ((ObjectNode) event.deepCopy()).put("eventId", "future-" + future++)
                        .put("occurredAt", at.plusSeconds(301 + random.nextInt(3300)).toString());
                onTime.add(new RecallPipeline.Line(ahead.toString(), at));
            }
        }
        Collections.shuffle(late, random);
        Instant arrival = trace.last().plusSeconds(60);
        List<RecallPipeline.Line> lines = new ArrayList<>(onTime);
        late.forEach(l -> lines.add(new RecallPipeline.Line(l.json(), arrival)));
        RecallPipeline pipeline = new RecallPipeline(policy, DynamoDbLocal.client(), MiniStack.sns(),
                RecallPipeline.Options.plain());

        RecallPipeline.Deliveries deliveries = pipeline.replayArrivals(lines);

        List<JsonNode> quarantined = pipeline.quarantined();
        assertThat(quarantined).hasSize(future)
                .allSatisfy(q -> assertThat(q.path("reason").path("code").asText()).isEqualTo("future_timestamp"));
        Map<String, String> stored = pipeline.users();
        int lost = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> expected : trace.reference().users().entrySet()) {
            String user = expected.getKey();
            boolean same = offline.contains(user)
                    ? ORDER_FREE.stream().allMatch(f -> field(expected.getValue(), f).equals(field(stored.get(user), f)))
                    : expected.getValue().equals(stored.get(user));
            if (!same) {
                lost += trace.eventsOf().get(user);
                problems.add(user);
            }
        }
        assertThat(problems).as("users whose state differs").isEmpty();
        List<String> notices = pipeline.couponNotices();
        int duplicates = notices.size() - new TreeSet<>(notices).size();
        String line = String.format("| %s | %d | %d | %d | %d | %d | %s |",
                "clock skew: " + late.size() + " events late and shuffled, " + future + " stamped 5-60 min ahead",
                late.size() + future, trace.events(), deliveries.records(), lost, duplicates,
                future + " quarantined future_timestamp");
        SUMMARY.add(line);
        System.out.println("fault suite " + line);
        assertThat(duplicates).isZero();
    }

    /**
     * Forty users stalled with a 40.00 cart at the same moment; the day's budget is 30.00, enough for
     * seven 4.00 coupons. Each of the forty timers is delivered twice, and all eighty checks run at
     * once on eighty threads through the whole decision path (caps, coupon and budget, wallet
     * notice, SMS). Exactly seven recalls go out, each with one coupon, one notice and one SMS;
     * the others are suppressed for the budget, and the spend never passes it.
     * ({@code CouponLedgerTest} holds the coupon ledger alone to the same under concurrency.)
     */
    @Test
    void eightyConcurrentChecksOfFortyTimersAgainstASmallBudget() throws Exception {
        Policy small = policy("dailyBudget: 10000.00", "dailyBudget: 30.00");
        DynamoDbClient dynamo = DynamoDbLocal.client();
        SnsClient sns = MiniStack.sns();
        SqsClient sqs = MiniStack.sqs();
        String state = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        String[] coupons = Fixtures.topicWithQueue(sns, sqs, "coupons");
        String[] notifications = Fixtures.topicWithQueue(sns, sqs, "notifications");
        Instant stalled = Instant.parse("2026-11-10T02:00:00Z"); // 10:00 in Shanghai
        String prefix = String.format("+1%06d", ProcessHandle.current().pid() % 1_000_000);
        List<String> lines = new ArrayList<>();
        Map<String, String> phones = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            String user = "u-budget-" + i;
            phones.put(user, prefix + String.format("%04d", i));
            lines.add(event(user, "profile", "profile_updated", stalled).put("phone", phones.get(user)).toString());
            lines.add(event(user, "open", "app_open", stalled.plusSeconds(1)).toString());
            lines.add(event(user, "add", "cart_add", stalled.plusSeconds(2)).put("itemId", "i-1").put("price", "40.00")
                    .put("quantity", 1).toString());
            lines.add(event(user, "order", "page_enter", stalled.plusSeconds(3)).put("page", "order").toString());
        }
        List<Timer> timers = new CopyOnWriteArrayList<>();
        new IngestHandler(new StreamIngest(small,
                new DynamoStateStore(dynamo, state), new CollectingQuarantine(),
                Clock.fixed(stalled.plusSeconds(5), ZoneOffset.UTC), 4,
                (armed, now) -> timers.addAll(armed)), IngestMetrics.none())
                .handleRequest(kinesis(lines, stalled.plusSeconds(5)), new LocalContext("IngestFunction"));
        assertThat(timers).hasSize(40);

        SnsNotifier notifier = new SnsNotifier(sns, notifications[0], null);
        SnsCouponPublisher wallet = new SnsCouponPublisher(sns, coupons[0]);
        DeadlineCheckHandler check = new DeadlineCheckHandler(
                new DeadlineCheck(small, new DynamoStateStore(dynamo, state),
                        new Recaller(small, phone -> false,
                                new DynamoContactHistory(dynamo, ledger),
                                new DynamoCouponLedger(dynamo, ledger),
                                new DynamoSendLedger(dynamo, ledger), notifier, wallet),
                        new DynamoDecisionLog(dynamo, ledger)),
                Fixtures.scenarioCheck(small, dynamo, state, ledger, (armed, now) -> { }, notifier, wallet),
                Fixtures.journeyCheck(small, dynamo, state, ledger, (armed, now) -> { }, notifier, wallet),
                Clock.fixed(stalled.plusSeconds(50), ZoneOffset.UTC),
                DecisionMetrics.none());
        ExecutorService pool = Executors.newFixedThreadPool(80);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            for (Timer timer : timers) {
                results.add(pool.submit(() -> {
                    start.await();
                    SQSEvent.SQSMessage message =
                            new SQSEvent.SQSMessage();
                    message.setMessageId(UUID.randomUUID().toString());
                    message.setBody(TimerMessage.toJson(timer));
                    SQSEvent event =
                            new SQSEvent();
                    event.setRecords(List.of(message));
                    return check.handleRequest(event, new LocalContext("DeadlineCheckFunction"))
                            .getBatchItemFailures().size();
                }));
            }
        }
        start.countDown();
        int failed = 0;
        for (Future<Integer> result : results) {
            failed += result.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(failed).isZero();
        List<Decision> decisions = new ArrayList<>();
        for (String user : phones.keySet()) {
            decisions.addAll(new DynamoDecisionLog(dynamo, ledger).forUser(user,
                    stalled.minusSeconds(3600), stalled.plusSeconds(3600)));
        }
        assertThat(decisions).hasSize(40);
        List<Decision> sent = decisions.stream()
                .filter(d -> d.outcome() == Decision.Outcome.SENT).toList();
        assertThat(sent).hasSize(7).allSatisfy(d -> assertThat(d.coupon().amount()).isEqualByComparingTo("4.00"));
        assertThat(decisions).filteredOn(d -> d.reasons().contains("budget")).hasSize(33);
        Map<String, AttributeValue> budget = dynamo.getItem(b -> b.tableName(ledger).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("budget#2026-11-10"), "sk", AttributeValue.fromS("coupon")))).item();
        assertThat(new BigDecimal(budget.get("spent").n())).isEqualByComparingTo("28.00");
        Map<String, Integer> sms = FaultScore.smsTo(phones.values());
        Map<String, Integer> expectedSms = new TreeMap<>();
        sent.forEach(d -> expectedSms.put(phones.get(d.userId()), 1));
        List<String> notices = drainCouponIds(sqs, coupons[1]);
        int duplicates = notices.size() - new TreeSet<>(notices).size()
                + sms.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
        int lost = 7 - new TreeSet<>(notices).size() + (int) sent.stream()
                .filter(d -> !sms.containsKey(phones.get(d.userId()))).count();
        String line = String.format("| %s | %d | %d | %d | %d | %d | %s |",
                "80 checks at once (40 timers, each twice) against a 30.00 budget", 40, lines.size(), lines.size(),
                lost, duplicates, "7 sent, 33 suppressed for the budget, spent 28.00 of 30.00");
        SUMMARY.add(line);
        System.out.println("fault suite " + line);
        assertThat(sms).isEqualTo(expectedSms);
        assertThat(notices).hasSize(7).doesNotHaveDuplicates();
    }

    /**
     * The dormant run (B1–B6) with every reminder channel failing now and then: WeCom answering
     * "system busy" (-1) and "rate limited" (45009), SES 429 and 500, SNS throttling, DynamoDB
     * throttling. Shard tasks that fail come back (SQS) until they succeed, then the scheduler
     * retries the whole run: every dormant user gets exactly one reminder on their channel.
     */
    @Test
    void dormantRemindersWhileWeComSesSnsAndDynamoDbFail() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        DynamoDbClient direct = DynamoDbLocal.client();
        String state = Fixtures.stateTable(direct);
        String ledger = Fixtures.ledgerTable(direct);
        Instant login = Instant.parse("2026-11-22T01:00:00Z");
        Instant run = Instant.parse("2026-11-29T02:00:00Z"); // 10:00 in Shanghai, 7 days after the last login
        String prefix = String.format("+1%06d", (ProcessHandle.current().pid() + 7) % 1_000_000);
        List<String> lines = new ArrayList<>();
        Map<String, String> addressOf = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            String user = "dz-" + suffix + "-" + i;
            String[] channel = switch (i % 3) {
                case 0 -> new String[] {"wecomId", "wc" + suffix + i};
                case 1 -> new String[] {"phone", prefix + String.format("%04d", i)};
                default -> new String[] {"email", user + "@example.com"};
            };
            addressOf.put(user, channel[1]);
            lines.add(event(user, "login", "login", login).toString());
            lines.add(event(user, "profile", "profile_updated", login).put(channel[0], channel[1]).toString());
        }
        new IngestHandler(new StreamIngest(policy,
                new DynamoStateStore(direct, state), new CollectingQuarantine(),
                Clock.fixed(login.plusSeconds(5), ZoneOffset.UTC), 4),
                IngestMetrics.none())
                .handleRequest(kinesis(lines, login.plusSeconds(5)), new LocalContext("IngestFunction"));

        String sesOperation = "POST /v2/email/outbound-emails";
        SesV2Client directSes =
                MiniStack.configure(SesV2Client.builder()).build();
        directSes.createEmailIdentity(b -> b.emailIdentity("reminders@winback.example"));
        try (FaultProxy aws = FaultProxy.inFrontOf(MiniStack.endpoint(), 9);
             FaultProxy dynamoProxy = FaultProxy.inFrontOf(DynamoDbLocal.endpoint(), 10);
             WeComNotifierTest.FakeWeCom wecom = new WeComNotifierTest.FakeWeCom("ww-fault", "fault-secret")) {
            aws.inject(0.3, Set.of("Publish"), FaultProxy.snsThrottling(), FaultProxy.snsInternalError());
            aws.inject(0.3, Set.of(sesOperation), FaultProxy.sesTooManyRequests(), FaultProxy.sesInternalFailure());
            aws.injectBursts(10, 4, Set.of(sesOperation), FaultProxy.sesTooManyRequests());
            dynamoProxy.inject(0.05, Set.of(), FaultProxy.dynamoThrottling(), FaultProxy.dynamoInternalError());
            wecom.nextSendCodes(-1, 45009, -1, -1, -1, 45009, 45009, 45009, -1, 45009, 45009, -1, -1);
            DynamoDbClient dynamo = dynamo(dynamoProxy);
            WeComClient weComClient = WeComClient.builder(
                    () -> new WeComCredentials.Credentials("ww-fault", "fault-secret", 1000002))
                    .baseUrl(wecom.baseUrl()).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                    .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).build();
            SnsNotifier sms = new SnsNotifier(sns(aws),
                    "arn:aws:sns:us-east-1:000000000000:unused", null);
            DormantShardHandler shards = new DormantShardHandler(
                    new DormantReminders(policy,
                            new DynamoDormantCohort(dynamo, state, Fixtures.COHORT_INDEX),
                            new DynamoStateStore(dynamo, state), Optional::empty,
                            number -> false, new DynamoContactHistory(dynamo, ledger),
                            new Delivery(new DynamoSendLedger(dynamo, ledger),
                                    new ChannelNotifier(Map.of("sms", sms, "push", sms,
                                            "email", new SesEmailNotifier(
                                                    MiniStack.configure(SesV2Client
                                                            .builder()).endpointOverride(aws.endpoint())
                                                            .overrideConfiguration(c -> c.retryStrategy(b -> b
                                                                    .backoffStrategy(FAST).throttlingBackoffStrategy(FAST)))
                                                            .build(), "reminders@winback.example", null),
                                            "wecom", new WeComNotifier(weComClient)))),
                            new DynamoDecisionLog(dynamo, ledger),
                            (reminder, notBefore) -> {
                                throw new AssertionError("10:00 in Shanghai is not quiet: nothing to defer");
                            }),
                    Clock.fixed(run, ZoneOffset.UTC));

            int failedTasks = 0;
            for (int round = 0; round < 2; round++) { // the run, then the scheduler's retry of it
                for (int shard = 0; shard < 16; shard++) {
                    failedTasks += deliverUntilDone(shards, ReminderMessage.shardTask(
                            LocalDate.of(2026, 11, 29), shard));
                }
            }

            Map<String, Integer> received = new TreeMap<>();
            wecom.sends.stream().filter(send -> send.errcode() == 0)
                    .forEach(send -> received.merge(send.body().path("touser").asText(), 1, Integer::sum));
            FaultScore.smsTo(addressOf.values()).forEach((phone, n) -> received.merge(phone, n, Integer::sum));
            emailsTo(addressOf.values()).forEach((address, n) -> received.merge(address, n, Integer::sum));
            int lost = (int) addressOf.values().stream().filter(a -> !received.containsKey(a)).count();
            int duplicates = received.values().stream().mapToInt(n -> n - 1).sum();
            int weComRefusals = (int) wecom.sends.stream().filter(send -> send.errcode() != 0).count();
            int faults = weComRefusals + aws.injectedTotal() + dynamoProxy.injectedTotal();
            Map<String, Integer> kinds = new TreeMap<>(aws.injected());
            kinds.putAll(dynamoProxy.injected());
            kinds.put("wecom_busy_or_rate_limited", weComRefusals);
            String line = String.format("| %s | %d | %d | %d | %d | %d | %s |",
                    "dormant run + its retry: WeCom -1/45009, SES 429/500, SNS, DynamoDB " + kinds, faults,
                    lines.size(), lines.size(), lost, duplicates,
                    "30 reminders (10 WeCom, 10 SMS, 10 email), " + failedTasks + " shard tasks redelivered");
            SUMMARY.add(line);
            System.out.println("fault suite " + line);
            assertThat(received).as("one reminder per user").hasSize(30).allSatisfy((address, n) -> assertThat(n).isOne());
            assertThat(weComRefusals).isPositive();
        }
    }

    /** A shard task until DormantShardFunction succeeds with it, as SQS redelivers it; returns the failed attempts. */
    private static int deliverUntilDone(DormantShardHandler shards, String body) {
        SQSEvent.SQSMessage message =
                new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        for (int attempt = 0; attempt < 30; attempt++) {
            if (shards.handleRequest(event, new LocalContext("DormantShardFunction"))
                    .getBatchItemFailures().isEmpty()) {
                return attempt;
            }
        }
        throw new IllegalStateException("shard task still failing after 30 attempts: " + body);
    }

    private static Map<String, Integer> emailsTo(Collection<String> addresses) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(MiniStack.endpoint().resolve("/_ministack/ses/messages")).build(),
                        HttpResponse.BodyHandlers.ofString());
        Map<String, Integer> found = new TreeMap<>();
        FaultTrace.read(response.body()).path("messages").forEach(account -> account.forEach(message -> {
            for (JsonNode recipient : message.path("To")) {
                if (addresses.contains(recipient.asText())) {
                    found.merge(recipient.asText(), 1, Integer::sum);
                }
            }
        }));
        return found;
    }

    private static ObjectNode event(String user, String id, String type, Instant at) {
        return JSON.createObjectNode().put("eventId", user + "-" + id).put("userId", user).put("type", type)
                .put("occurredAt", at.toString());
    }

    private static KinesisEvent kinesis(List<String> lines, Instant arrival) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            KinesisEvent.Record kinesis =
                    new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(lines.get(i).getBytes(StandardCharsets.UTF_8)));
            kinesis.setSequenceNumber(String.format("%056d", i + 1));
            kinesis.setPartitionKey("p");
            kinesis.setApproximateArrivalTimestamp(Date.from(arrival));
            KinesisEvent.KinesisEventRecord record =
                    new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    private static List<String> drainCouponIds(SqsClient sqs, String queueUrl) {
        List<String> ids = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(60)).messages();
            if (messages.isEmpty()) {
                empty++;
            } else {
                empty = 0;
                messages.forEach(m -> ids.add(FaultTrace.read(m.body()).path("couponId").asText()));
            }
        }
        return ids;
    }

    /** The default policy without the holdout, with one setting replaced. */
    private static Policy policy(String setting, String replacement) throws IOException {
        String yaml = Files.readString(RepoRoot.get().resolve("config/policy.yaml"));
        assertThat(yaml).contains(setting);
        return PolicyLoader.parse(yaml.replace(setting, replacement).replace("holdout: 0.05", "holdout: 0")
                .getBytes(StandardCharsets.UTF_8), "fault suite policy");
    }

    /** State fields the SPEC defines whatever order events arrive in. */
    private static final List<String> ORDER_FREE = List.of("profile", "consent", "registeredAt", "lastLoginAt",
            "lastLogoutAt", "lastSeenAt", "orders", "spend", "firstOrderAt", "lastOrderAt", "lastOrderAmount",
            "discounts", "ordersCompleted", "couponsUsed", "clicks", "lastClickAt", "ordersByDay", "loginsByDay",
            "dormantFrom", "tags");

    private static JsonNode field(String json, String name) {
        return json == null ? null : FaultTrace.read(json).path(name);
    }

    /** Malformed records a real stream carries, each with the reason it must be quarantined for. */
    private enum Poison {
        TRUNCATED("invalid_json") {
            String line(JsonNode near, Instant arrival) {
                return near.toString().substring(0, near.toString().length() / 2);
            }
        },
        EMPTY("invalid_json") {
            String line(JsonNode near, Instant arrival) {
                return "";
            }
        },
        ARRAY("not_an_object") {
            String line(JsonNode near, Instant arrival) {
                return "[" + near + "]";
            }
        },
        NO_EVENT_ID("missing_field") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).without("eventId").toString();
            }
        },
        UNKNOWN_TYPE("unknown_type") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).put("eventId", "poison-type").put("type", "teleport").toString();
            }
        },
        BAD_TIMESTAMP("invalid_field") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).put("eventId", "poison-time").put("occurredAt", "yesterday")
                        .toString();
            }
        },
        BAD_QUANTITY("invalid_field") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).put("eventId", "poison-qty").put("type", "cart_add")
                        .put("itemId", "i-1").put("price", "9.90").put("quantity", "two").toString();
            }
        },
        FUTURE("future_timestamp") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).put("eventId", "poison-future")
                        .put("occurredAt", arrival.plusSeconds(3600).toString()).toString();
            }
        },
        TOO_LARGE("too_large") {
            String line(JsonNode near, Instant arrival) {
                return ((ObjectNode) near.deepCopy()).put("eventId", "poison-large").put("note", "x".repeat(70_000))
                        .toString();
            }
        };

        final String code;

        Poison(String code) {
            this.code = code;
        }

        abstract String line(JsonNode near, Instant arrival);
    }

    // ---------------------------------------------------------------------------------- helpers

    private FaultTrace trace(long seed) {
        return FaultTrace.synthetic(policy, seed, USERS, SESSIONS, work);
    }

    private static void report(String fault, int injected, FaultTrace trace, RecallPipeline.Deliveries deliveries,
                               FaultScore score) {
        List<String> handling = new ArrayList<>();
        if (deliveries.partialFailures() > 0) {
            handling.add(deliveries.partialFailures() + " batches reported failed records");
        }
        if (deliveries.crashes() + deliveries.timerCrashes() > 0) {
            handling.add((deliveries.crashes() + deliveries.timerCrashes()) + " invocations died");
        }
        if (deliveries.timerRetries() > 0) {
            handling.add(deliveries.timerRetries() + " timer checks failed and came back");
        }
        String effects = score.effects() + (handling.isEmpty() ? "" : "; " + String.join(", ", handling));
        String line = String.format("| %s | %d | %d | %d | %d | %d | %s |", fault, injected, trace.events(),
                deliveries.records(), score.lost(), score.duplicates(), effects);
        SUMMARY.add(line);
        System.out.println("fault suite " + line + " " + deliveries);
        assertThat(score.problems()).as(fault).isEmpty();
        assertThat(score.lost()).isZero();
        assertThat(score.duplicates()).isZero();
    }

    /**
     * The SDK's own retry strategy for DynamoDB (which errors, how many attempts) with its back-off
     * shortened to milliseconds, so hundreds of injected throttles cost seconds, not minutes.
     */
    private static final BackoffStrategy FAST = BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(20));

    private static DynamoDbClient dynamo(FaultProxy proxy, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(proxy == null ? DynamoDbLocal.endpoint() : proxy.endpoint())
                .region(MiniStack.region()).credentialsProvider(MiniStack.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> {
                    c.retryStrategy(b -> b.backoffStrategy(FAST).throttlingBackoffStrategy(FAST));
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }

    private static SnsClient sns(FaultProxy proxy, ExecutionInterceptor... interceptors) {
        return MiniStack.configure(SnsClient.builder())
                .endpointOverride(proxy == null ? MiniStack.endpoint() : proxy.endpoint())
                .overrideConfiguration(c -> {
                    c.retryStrategy(b -> b.backoffStrategy(FAST).throttlingBackoffStrategy(FAST));
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }

}
