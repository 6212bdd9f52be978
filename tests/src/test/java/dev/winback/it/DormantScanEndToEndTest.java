package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoDormantCohort;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.S3ContentMailbox;
import dev.winback.adapters.SchedulerReminderDeferral;
import dev.winback.adapters.SesEmailNotifier;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.adapters.SqsShardTasks;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Delivery;
import dev.winback.handlers.DormantScanHandler;
import dev.winback.handlers.DormantShardHandler;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import dev.winback.local.SqsPoller;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * B1–B6 end to end on MiniStack and DynamoDB Local: users ingested, the scheduled run fanned out over
 * the shard queue, each shard read through the cohort index, reminders sent by SMS and email with
 * the mailbox's custom text, and a retried run sending nothing twice. Also: the template's cron
 * schedule definition really fires on MiniStack's EventBridge Scheduler.
 */
class DormantScanEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The run the 10:00 Shanghai schedule makes on 2026-11-29. */
    private static final Instant RUN = Instant.parse("2026-11-29T02:00:00Z");

    private final Policy policy = Fixtures.policyWithoutHoldout();
    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();

    @Test
    void usersWhoStoppedLoggingInAreRemindedOnceOnTheirChannelWithTheCustomContent() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String phone = "+8613900" + (100_000 + (int) (Math.random() * 800_000));
        String email = "mia-" + suffix + "@example.com";
        String table = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        ingest(table, List.of(
                login("ana-" + suffix), profile("ana-" + suffix, Map.of("phone", phone, "timezone", "Asia/Shanghai")),
                login("mia-" + suffix), profile("mia-" + suffix, Map.of("email", email, "locale", "en-GB")),
                login("otto-" + suffix), profile("otto-" + suffix, Map.of("phone", "+8613911112222")),
                consent("otto-" + suffix, "sms", false)));

        S3Client s3 = Fixtures.s3();
        String bucket = Fixtures.contentBucket(s3);
        s3.putObject(b -> b.bucket(bucket).key("mailbox/2026-11-28-winter.txt").contentType("text/plain; charset=utf-8"),
                RequestBody.fromString("Winter deals are back: come and see what's new.", StandardCharsets.UTF_8));
        SesV2Client ses = MiniStack.configure(SesV2Client.builder()).build();
        ses.createEmailIdentity(b -> b.emailIdentity("reminders@winback.example"));
        SnsNotifier smsAndPush = new SnsNotifier(sns, Fixtures.topicWithQueue(sns, sqs, "notifications")[0], null);
        SchedulerClient scheduler = MiniStack.configure(SchedulerClient.builder()).build();
        String group = "winback-timers-" + suffix;
        scheduler.createScheduleGroup(b -> b.name(group));
        String reminderQueue = Fixtures.queue(sqs, "reminders");
        DormantShardHandler shards = new DormantShardHandler(new DormantReminders(policy,
                new DynamoDormantCohort(dynamo, table, Fixtures.COHORT_INDEX), new DynamoStateStore(dynamo, table),
                new S3ContentMailbox(s3, Fixtures.s3Presigner(), bucket, "mailbox/", Duration.ofDays(7), Clock.systemUTC()),
                number -> false, new DynamoContactHistory(dynamo, ledger),
                new Delivery(new DynamoSendLedger(dynamo, ledger), new ChannelNotifier(Map.of(
                        "sms", smsAndPush, "push", smsAndPush,
                        "email", new SesEmailNotifier(ses, "reminders@winback.example", null)))),
                new DynamoDecisionLog(dynamo, ledger),
                new SchedulerReminderDeferral(scheduler, group, Fixtures.queueArn(sqs, reminderQueue),
                        "arn:aws:iam::000000000000:role/scheduler", Fixtures.queueArn(sqs, reminderQueue))),
                Clock.fixed(RUN, ZoneOffset.UTC));
        String shardQueue = Fixtures.queue(sqs, "scan-shards");
        DormantScanHandler scan = new DormantScanHandler(policy, new SqsShardTasks(sqs, shardQueue));
        SqsPoller shardPoller = new SqsPoller(sqs, shardQueue, Fixtures.queueArn(sqs, shardQueue));

        assertThat(scan.handleRequest(Map.of("kind", "dormant_scan", "scheduledTime", RUN.toString()),
                new LocalContext("DormantScanFunction"))).isEqualTo("2026-11-29");
        SqsPoller.Poll poll = shardPoller.pollUntil(16, shards::handleRequest, Duration.ofSeconds(60));

        assertThat(poll.failed()).isZero();
        assertThat(smsTo(phone)).hasSize(1).first().satisfies(sms ->
                assertThat(sms.path("Message").asText()).isEqualTo("Winter deals are back: come and see what's new."));
        assertThat(emailsTo(email)).hasSize(1).first().satisfies(mail ->
                assertThat(mail.path("BodyText").asText()).contains("Winter deals are back"));
        assertThat(decision(ledger, "otto-" + suffix).reasons()).containsExactly("dormant", "opted_out");
        assertThat(decision(ledger, "ana-" + suffix).channels()).containsExactly("sms");
        assertThat(decision(ledger, "mia-" + suffix).channels()).containsExactly("email");

        // The schedule retries the run: every shard again, nothing sent twice.
        scan.handleRequest(Map.of("kind", "dormant_scan", "scheduledTime", RUN.toString()), new LocalContext("DormantScanFunction"));
        shardPoller.pollUntil(16, shards::handleRequest, Duration.ofSeconds(60));
        assertThat(smsTo(phone)).hasSize(1);
        assertThat(emailsTo(email)).hasSize(1);
    }

    @Test
    void theTemplatesCronScheduleFiresItsInputAtTheTarget() throws Exception {
        JsonNode schedule = new ObjectMapper(new YAMLFactory()).readTree(RepoRoot.get().resolve("template.yaml").toFile())
                .path("Resources").path("DormantScanSchedule").path("Properties");
        String input = schedule.path("Target").path("Input").asText();
        SchedulerClient scheduler = MiniStack.configure(SchedulerClient.builder()).build();
        String queue = Fixtures.queue(sqs, "scan-target");
        // Every minute instead of daily at 10:00, same definition otherwise; a queue stands in for the
        // function alias (MiniStack cannot run Java functions).
        String name = "dormant-scan-" + UUID.randomUUID().toString().substring(0, 8);
        scheduler.createSchedule(b -> b.name(name).scheduleExpression("cron(* * * * ? *)")
                .scheduleExpressionTimezone("Asia/Shanghai")
                .flexibleTimeWindow(f -> f.mode("OFF"))
                .target(t -> t.arn(Fixtures.queueArn(sqs, queue)).roleArn("arn:aws:iam::000000000000:role/scan").input(input)));

        Message fired = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (fired == null && System.nanoTime() < deadline) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(5)).messages();
            fired = messages.isEmpty() ? null : messages.getFirst();
        }
        scheduler.deleteSchedule(b -> b.name(name));

        assertThat(fired).as("the cron schedule reached its target within 90 s").isNotNull();
        assertThat(JSON.readTree(fired.body()).path("kind").asText()).isEqualTo("dormant_scan");
    }

    private void ingest(String table, List<String> lines) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(lines.get(i).getBytes(StandardCharsets.UTF_8)));
            kinesis.setSequenceNumber(String.format("%056d", i + 1));
            kinesis.setPartitionKey("p");
            kinesis.setApproximateArrivalTimestamp(Date.from(Instant.parse("2026-11-22T01:00:05Z")));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventID("shardId-000000000000:" + kinesis.getSequenceNumber());
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, Fixtures.queue(sqs, "quarantine")), Clock.systemUTC(), 4), IngestMetrics.none())
                .handleRequest(event, new LocalContext("IngestFunction"));
    }

    /** Last login 2026-11-22 09:00 in Shanghai: dormant from 2026-11-29, the run's day. */
    private static String login(String user) {
        return event(user, "login", Map.of());
    }

    private static String profile(String user, Map<String, String> fields) {
        return event(user, "profile_updated", fields);
    }

    private static String consent(String user, String channel, boolean optedIn) {
        return event(user, "consent_updated", Map.of("channel", channel, "optedIn", optedIn));
    }

    private static String event(String user, String type, Map<String, ?> fields) {
        var node = JSON.createObjectNode().put("eventId", user + "-" + type).put("userId", user).put("type", type)
                .put("occurredAt", "2026-11-22T01:00:00Z");
        fields.forEach((k, v) -> node.set(k, JSON.valueToTree(v)));
        return node.toString();
    }

    private Decision decision(String ledger, String user) {
        List<Decision> decisions = new DynamoDecisionLog(dynamo, ledger).forUser(user,
                Instant.parse("2026-11-28T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(decisions).as("decisions of " + user).hasSize(1);
        assertThat(decisions.getFirst().trigger()).isEqualTo("dormant");
        return decisions.getFirst();
    }

    private static List<JsonNode> smsTo(String phone) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(MiniStack.endpoint()
                .resolve("/_ministack/sns/sms-messages?phoneNumber=" + URLEncoder.encode(phone, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> sent = new ArrayList<>();
        JSON.readTree(response.body()).path("sms_messages").path(phone).forEach(sent::add);
        return sent;
    }

    private static List<JsonNode> emailsTo(String address) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                MiniStack.endpoint().resolve("/_ministack/ses/messages")).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(response.body()).path("messages").forEach(account -> account.forEach(message -> {
            for (JsonNode recipient : message.path("To")) {
                if (recipient.asText().equals(address)) {
                    found.add(message);
                }
            }
        }));
        return found;
    }
}
