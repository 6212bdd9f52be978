package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.policy.Policy;
import dev.winback.it.support.CrashInjector;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.FaultProxy;
import dev.winback.it.support.FaultScore;
import dev.winback.it.support.FaultTrace;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RecallPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;

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

    private static final int USERS = 40;
    private static final int SESSIONS = 2;
    private static final List<String> SUMMARY = new ArrayList<>();

    @TempDir
    static Path work;

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
            proxy.inject(0.3, Set.of("Publish"), FaultProxy.snsThrottling(), FaultProxy.snsInternalError());
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
        String line = String.format("| %s | %d | %d | %d | %d | %d | %s |", fault, injected, trace.events(),
                deliveries.records(), score.lost(), score.duplicates(), score.effects());
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
