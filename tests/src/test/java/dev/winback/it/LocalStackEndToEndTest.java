package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.QuietHours;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.stack.BatchDelivery;
import dev.winback.local.stack.LocalFunction;
import dev.winback.local.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code ./winback up} end to end: template.yaml deployed to MiniStack by the local stack (SAM transform,
 * CloudFormation), every function run in this JVM with its deployed environment, and events put on the
 * deployed stream with the SDK as a producer (or the AWS CLI) would. What the functions did is read
 * back from MiniStack only: state in the state table, a recall's decision in the ledger table, its
 * coupon on the coupons topic and its SMS in MiniStack's SMS log, segment changes on their topic,
 * quarantined records on the quarantine queue, a batch given up on in the on-failure queue.
 * Faults are injected at the invocation (a test {@link BatchDelivery.Invoker}) to check the mappings'
 * partial-failure retry and bounded retries.
 */
class LocalStackEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private static final Faults faults = new Faults();
    private static LocalStack stack;
    private static KinesisClient kinesis;
    private static SqsClient sqs;
    private static SnsClient sns;
    private static DynamoDbClient dynamo;
    private static String stream;

    @BeforeAll
    static void startTheLocalStack() {
        URI endpoint = MiniStack.endpoint();
        long started = System.nanoTime();
        stack = LocalStack.start(RepoRoot.get(), endpoint, LocalStack.Options.defaults(line -> {
            lines.add(line);
            System.out.println("local stack: " + line);
        }).withStackName("winback-up-" + UUID.randomUUID().toString().substring(0, 8))
                .withRetryBackoff(Duration.ofMillis(20)).withInvoker(faults));
        System.out.printf("LocalStackEndToEndTest: stack deployed and %d functions started in %d ms%n",
                stack.functions().size(), (System.nanoTime() - started) / 1_000_000);
        kinesis = MiniStack.kinesis();
        sqs = MiniStack.sqs();
        sns = MiniStack.sns();
        dynamo = MiniStack.configure(DynamoDbClient.builder()).build();
        stream = stack.stack().output("BehaviorStreamName");
    }

    @AfterAll
    static void stopIt() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void runsEveryFunctionAndMappingOfTheTemplate() {
        assertThat(stack.functions().keySet()).contains("IngestFunction", "DeadlineCheckFunction", "SegmentChangesFunction",
                "DormantScanFunction", "DormantShardFunction", "ConversionFunction");
        assertThat(stack.mappings()).contains("IngestFunctionBehavior", "DeadlineCheckFunctionTimers",
                "SegmentChangesFunctionStateChanges", "ConversionFunctionOrders", "DormantShardFunctionShards");
        // Resolved from the deployed stack, not from the template's text.
        assertThat(stack.functions().get("IngestFunction").environment().get("STATE_TABLE"))
                .isEqualTo(stack.stack().output("StateTableName"));
        // The scan fires at 10:00 in the policy's time zone (the template's PolicyTimeZone, default
        // Asia/Shanghai), although MiniStack keeps the schedule in UTC.
        assertThat(stack.schedules().list()).singleElement().satisfies(s -> {
            assertThat(s.logicalId()).isEqualTo("DormantScanSchedule");
            assertThat(s.zone()).isEqualTo(java.time.ZoneId.of(stack.stack().parameters().get("PolicyTimeZone")));
            assertThat(s.zone()).isNotEqualTo(ZoneOffset.UTC);
            assertThat(s.target().logicalId()).isEqualTo("DormantScanFunction");
        });
        // MiniStack's own mappings are off: it would answer them with a mock and consume the records.
        try (LambdaClient lambda = MiniStack.configure(LambdaClient.builder()).build()) {
            List<String> states = new ArrayList<>();
            for (String mapping : stack.mappings()) {
                String uuid = stack.stack().resources().get(mapping).physicalId();
                states.add(lambda.getEventSourceMapping(b -> b.uuid(uuid)).state());
            }
            assertThat(states).hasSameSizeAs(stack.mappings()).containsOnly("Disabled");
        }
    }

    @Test
    void eventsOnTheStreamBecomeStateAndAStalledUserGetsOneCouponAndOneSms() throws Exception {
        String user = userOutsideTheHoldout("u-1001");
        String phone = "+1555" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        String[] coupons = subscribe("CouponsTopicArn");
        String[] segments = subscribe("SegmentChangesTopicArn");

        // The sample session: u-1001 fills her cart (over the high-value line), enters the order page
        // and leaves; u-1002 orders; u-1003 withdraws SMS consent. u-1001's merchant and product page
        // visits are left out so that one deadline timer runs: the order page's, 45 s after she entered
        // it, which is made 10 s from now. (A timer already due when its batch is ingested can beat the
        // state write it belongs to; in real time every deadline lies ahead.) Her time zone has her awake.
        List<ObjectNode> events = sampleEvents("kinesis-batch.json", Instant.now().minusSeconds(35 + 190)).stream()
                .filter(e -> !List.of("evt-b-006", "evt-b-010").contains(e.path("eventId").asText().substring(0, 9)))
                .toList();
        for (ObjectNode event : events) {
            if ("u-1001".equals(event.path("userId").asText())) {
                event.put("userId", user);
            }
            if (event.has("phone")) {
                event.put("phone", phone);
                event.put("timezone", daytimeZone());
            }
        }
        put(events);

        Map<String, AttributeValue> state = await("state of " + user, () -> item("StateTableName", "user#" + user));
        assertThat(state.get("contact").m().get("phone").s()).isEqualTo(phone);
        await("u-1002's state", () -> item("StateTableName", "user#u-1002"));

        DynamoDecisionLog decisions = new DynamoDecisionLog(dynamo, stack.stack().output("LedgerTableName"));
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Instant to = Instant.now().plus(Duration.ofDays(1));
        List<Decision> made = await("the deadline decision for " + user, () -> nonEmpty(decisions.forUser(user, from, to)));
        assertThat(made).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.SENT);
            assertThat(d.trigger()).isEqualTo("deadline");
            assertThat(d.coupon()).isNotNull();
            assertThat(d.channels()).containsExactly("sms");
        });

        List<Message> coupon = await("the coupon", () -> nonEmpty(receive(coupons[1])));
        assertThat(coupon).hasSize(1);
        assertThat(coupon.get(0).body()).contains(user);
        JsonNode sms = await("the SMS", () -> {
            JsonNode log = smsTo(phone);
            return log.size() > 0 ? log : null;
        });
        assertThat(sms).hasSize(1);
        // The state table's stream reached SegmentChangesFunction through its DynamoDB mapping.
        assertThat(await("segment changes", () -> nonEmpty(receive(segments[1])))).isNotEmpty();
        assertThat(lines).anyMatch(l -> l.contains("SegmentChangesFunction <- SegmentChangesFunctionStateChanges"));
    }

    @Test
    void poisonRecordsAreQuarantinedAndTheShardMovesOn() throws Exception {
        List<JsonNode> samples = sampleRecords("kinesis-poison.json");
        byte[] truncated = samples.get(1).path("data").binaryValue(); // evt-p-002: JSON cut off
        byte[] array = samples.get(2).path("data").binaryValue();     // evt-p-003: a list, not an event
        String user = "u-poison-" + UUID.randomUUID().toString().substring(0, 6);
        ObjectNode good = event("app_open", user, Instant.now());
        kinesis.putRecords(b -> b.streamName(stream).records(
                entry(user, truncated), entry(user, array), entry(user, good.toString().getBytes(StandardCharsets.UTF_8))));

        String quarantine = stack.stack().output("QuarantineQueueUrl");
        List<JsonNode> quarantined = new ArrayList<>();
        await("two quarantined records", () -> {
            receive(quarantine).forEach(m -> quarantined.add(json(m.body())));
            return quarantined.stream().filter(q -> q.path("partitionKey").asText().equals(user)).count() >= 2 ? quarantined : null;
        });
        assertThat(quarantined).filteredOn(q -> q.path("partitionKey").asText().equals(user))
                .extracting(q -> q.path("data").asText())
                .containsExactlyInAnyOrder(new String(truncated, StandardCharsets.UTF_8), new String(array, StandardCharsets.UTF_8));
        assertThat(quarantined).allSatisfy(q -> assertThat(q.path("reason").path("code").asText()).isNotBlank());
        // The good record behind them was applied: the shard was not held up.
        await(user + "'s state", () -> item("StateTableName", "user#" + user));
    }

    @Test
    void aReportedRecordIsDeliveredAgainFromItselfAndThenApplied() {
        String user = "u-retry-" + UUID.randomUUID().toString().substring(0, 6);
        String phone = "+1555" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode open = event("app_open", user, now.minusSeconds(20));
        ObjectNode profile = event("profile_updated", user, now.minusSeconds(10)).put("phone", phone);
        ObjectNode login = event("login", user, now.minusSeconds(5));
        // IngestFunction gets the batch up to the profile event, then reports the profile event failed.
        faults.failOnce.put(profile.path("eventId").asText(), Boolean.TRUE);
        kinesis.putRecords(b -> b.streamName(stream).records(entry(user, bytes(open)), entry(user, bytes(profile)),
                entry(user, bytes(login))));

        Map<String, AttributeValue> state = await(user + "'s phone", () -> {
            Map<String, AttributeValue> item = item("StateTableName", "user#" + user);
            return item != null && item.containsKey("contact") && item.get("contact").m().containsKey("phone") ? item : null;
        });
        assertThat(state.get("contact").m().get("phone").s()).isEqualTo(phone);
        // The retry started at the failed record, not at the start of the batch nor after it.
        assertThat(faults.firstEventIds).contains(profile.path("eventId").asText());
        assertThat(lines).anyMatch(l -> l.contains("IngestFunction <- IngestFunctionBehavior") && l.contains(", 1 failed"));
        assertThat(faults.failOnce).isEmpty();
    }

    @Test
    void aBatchThatKeepsFailingIsRetriedBoundedlyThenDescribedOnTheFailureQueue() {
        String campaign = "c-fails-" + UUID.randomUUID().toString().substring(0, 6);
        faults.failingCampaign = campaign;
        ObjectNode launch = JSON.createObjectNode().put("eventId", "evt-" + campaign).put("type", "site_campaign")
                .put("campaignId", campaign).put("occurredAt", Instant.now().toString());
        kinesis.putRecords(b -> b.streamName(stream).records(entry(campaign, bytes(launch))));

        String failures = stack.stack().output("CampaignLaunchFailureQueueUrl");
        JsonNode described = await("the failed batch's description", () -> receive(failures).stream()
                .map(m -> json(m.body())).filter(n -> n.has("KinesisBatchInfo")).findFirst().orElse(null));
        // CampaignFunction's mapping: MaximumRetryAttempts 5, so six invocations.
        assertThat(described.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(described.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(6);
        assertThat(described.at("/KinesisBatchInfo/batchSize").asInt()).isEqualTo(1);
        assertThat(described.at("/KinesisBatchInfo/streamArn").asText()).isEqualTo(stack.stack().output("BehaviorStreamArn"));
        assertThat(faults.campaignCalls).hasValue(6);
    }

    @Test
    void theDailyDormantScanRunsOnDemandAndItsShardsAreWorkedThrough() throws Exception {
        int before = count("DormantShardFunction <- DormantShardFunctionShards");
        String runDay = stack.schedules().fire("DormantScanSchedule", Instant.now());

        assertThat(runDay).matches("\"?\\d{4}-\\d{2}-\\d{2}\"?");
        int shards = PolicyLoader.defaults().dormancy().indexShards();
        await(shards + " shard tasks", () -> count("DormantShardFunction <- DormantShardFunctionShards") - before >= shards ? true : null);
        assertThat(lines).filteredOn(l -> l.contains("DormantShardFunctionShards") && l.contains("function error")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ support

    /** Wraps the functions to inject failures; records the first event id of each IngestFunction batch. */
    static final class Faults implements BatchDelivery.Invoker {
        final Map<String, Boolean> failOnce = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> firstEventIds = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger campaignCalls = new java.util.concurrent.atomic.AtomicInteger();
        volatile String failingCampaign;

        @Override
        public byte[] invoke(LocalFunction function, byte[] event) throws Exception {
            if (function.logicalId().equals("CampaignFunction") && failingCampaign != null
                    && new String(event, StandardCharsets.UTF_8).contains("Records") && decoded(event).stream()
                    .anyMatch(r -> r.data().path("campaignId").asText().equals(failingCampaign))) {
                campaignCalls.incrementAndGet();
                throw new IllegalStateException("injected: the directory is unreachable");
            }
            if (!function.logicalId().equals("IngestFunction")) {
                return function.invoke(event);
            }
            List<DecodedRecord> records = decoded(event);
            if (!records.isEmpty()) {
                firstEventIds.add(records.get(0).data().path("eventId").asText());
            }
            for (int i = 0; i < records.size(); i++) {
                String eventId = records.get(i).data().path("eventId").asText();
                if (failOnce.remove(eventId) != null) {
                    // The records before it are handled; it is reported failed (and so is everything after it).
                    ObjectNode partial = (ObjectNode) JSON.readTree(event);
                    ArrayNode kept = JSON.createArrayNode();
                    for (int j = 0; j < i; j++) {
                        kept.add(partial.path("Records").get(j));
                    }
                    partial.set("Records", kept);
                    function.invoke(JSON.writeValueAsBytes(partial));
                    return JSON.writeValueAsBytes(Map.of("batchItemFailures",
                            List.of(Map.of("itemIdentifier", records.get(i).sequenceNumber()))));
                }
            }
            return function.invoke(event);
        }
    }

    record DecodedRecord(String sequenceNumber, JsonNode data) {
    }

    private static List<DecodedRecord> decoded(byte[] event) throws IOException {
        List<DecodedRecord> records = new ArrayList<>();
        for (JsonNode record : JSON.readTree(event).path("Records")) {
            byte[] data = Base64.getDecoder().decode(record.at("/kinesis/data").asText());
            JsonNode parsed;
            try {
                parsed = JSON.readTree(data);
            } catch (IOException notJson) {
                parsed = JSON.createObjectNode();
            }
            records.add(new DecodedRecord(record.at("/kinesis/sequenceNumber").asText(), parsed == null ? JSON.createObjectNode() : parsed));
        }
        return records;
    }

    /** The sample file's events, their times moved so that the first happens at {@code start}. */
    private static List<ObjectNode> sampleEvents(String file, Instant start) {
        KinesisEvent sample = Fixtures.kinesisEvent(file);
        List<ObjectNode> events = new ArrayList<>();
        Instant first = null;
        for (KinesisEvent.KinesisEventRecord record : sample.getRecords()) {
            ObjectNode event = (ObjectNode) json(StandardCharsets.UTF_8.decode(record.getKinesis().getData()).toString());
            Instant at = Instant.parse(event.path("occurredAt").asText());
            first = first == null ? at : first;
            event.put("occurredAt", start.plus(Duration.between(first, at)).truncatedTo(ChronoUnit.SECONDS).toString());
            event.put("eventId", event.path("eventId").asText() + "-" + UUID.randomUUID().toString().substring(0, 6));
            events.add(event);
        }
        return events;
    }

    private static List<JsonNode> sampleRecords(String file) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        JSON.readTree(RepoRoot.get().resolve("events").resolve(file).toFile()).path("Records")
                .forEach(r -> records.add(r.path("kinesis")));
        return records;
    }

    private static ObjectNode event(String type, String user, Instant at) {
        return JSON.createObjectNode().put("eventId", "evt-" + UUID.randomUUID()).put("type", type).put("userId", user)
                .put("occurredAt", at.truncatedTo(ChronoUnit.SECONDS).toString()).put("sessionId", "s-" + user);
    }

    private static void put(List<ObjectNode> events) {
        List<PutRecordsRequestEntry> entries = events.stream().map(e -> entry(
                e.path("userId").asText(e.path("zone").asText(e.path("merchantId").asText("none"))), bytes(e))).toList();
        kinesis.putRecords(b -> b.streamName(stream).records(entries));
    }

    private static PutRecordsRequestEntry entry(String partitionKey, byte[] data) {
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromByteArray(data)).build();
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A user id like {@code base} that the default policy's 5 % holdout does not hold back from a deadline recall. */
    private static String userOutsideTheHoldout(String base) {
        double share = PolicyLoader.defaults().attribution().holdout();
        while (true) {
            String candidate = base + "-" + UUID.randomUUID().toString().substring(0, 6);
            if (!Holdout.isHeldOut(candidate, "deadline", share)) {
                return candidate;
            }
        }
    }

    /** A UTC offset where the next hour is outside quiet hours, whatever time the test runs at. */
    private static String daytimeZone() {
        var policy = PolicyLoader.defaults();
        Instant now = Instant.now();
        for (int hours = -12; hours <= 14; hours++) {
            String zone = ZoneOffset.ofHours(hours).getId();
            if (!QuietHours.isQuiet(now, zone, policy) && !QuietHours.isQuiet(now.plus(Duration.ofHours(1)), zone, policy)) {
                return zone;
            }
        }
        throw new IllegalStateException("quiet hours cover every zone");
    }

    /** An SQS queue subscribed (raw delivery) to the topic the stack output names: {topicArn, queueUrl}. */
    private static String[] subscribe(String topicOutput) {
        String topic = stack.stack().output(topicOutput);
        String queue = Fixtures.queue(sqs, "local-" + topicOutput.replace("Arn", "").toLowerCase());
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(Fixtures.queueArn(sqs, queue))
                .attributes(Map.of("RawMessageDelivery", "true")));
        return new String[] {topic, queue};
    }

    private static Map<String, AttributeValue> item(String tableOutput, String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(stack.stack().output(tableOutput))
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static List<Message> receive(String queueUrl) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        messages.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        return messages;
    }

    private static <T> List<T> nonEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }

    /** MiniStack's log of direct-to-phone SNS publishes to this number. */
    private static JsonNode smsTo(String phone) {
        try {
            HttpRequest request = HttpRequest.newBuilder(MiniStack.endpoint().resolve("/_ministack/sns/sms-messages?phoneNumber="
                    + java.net.URLEncoder.encode(phone, StandardCharsets.UTF_8))).build();
            String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
            JsonNode messages = JSON.readTree(body).path("sms_messages");
            JsonNode forPhone = messages.path(phone);
            return forPhone.isArray() ? forPhone : JSON.createArrayNode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int count(String fragment) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.contains(fragment)).count();
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls until {@code probe} answers non-null, or fails naming what did not happen, with the stack's last lines. */
    private static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> last;
        synchronized (lines) {
            last = List.copyOf(lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
        throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s; the local stack's last lines:\n"
                + String.join("\n", last));
    }
}
