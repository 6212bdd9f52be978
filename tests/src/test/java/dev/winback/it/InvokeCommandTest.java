package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.TimerMessage;
import dev.winback.it.support.ConversionStories;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.FaultProxy;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.GeoFixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.WinbackCommand;
import dev.winback.local.invoke.SamTemplate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code ./winback invoke} on the real files: every function of template.yaml run on each of its sample
 * events in events/, in a JVM of its own wired by the function's real {@code Wiring.fromEnvironment()}
 * from the template's environment and an env-vars file naming resources on MiniStack and DynamoDB Local.
 * A function added to the template without a sample (or a sample no function takes) fails here.
 */
class InvokeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TEMPLATE = RepoRoot.get().resolve("template.yaml");
    private static final Path EVENTS = RepoRoot.get().resolve("events");

    private static final DynamoDbClient DYNAMO = DynamoDbLocal.client();
    private static final SqsClient SQS = MiniStack.sqs();
    private static final SnsClient SNS = MiniStack.sns();

    /**
     * MiniStack's SNS lacks CheckIfPhoneNumberIsOptedOut, which the real wiring asks before any SMS: SNS
     * goes through this proxy, which answers that call (nobody opted out) and forwards the rest to MiniStack.
     */
    private static FaultProxy sns;
    private static Path envVars;
    private static String stateTable;
    private static String ledgerTable;
    private static String quarantineQueue;
    private static String shardQueue;
    private static String segmentChangesQueue;
    private static String directoryTable;
    private static String campaignSendQueue;
    private static ConversionStories.Seeded conversions;

    /** What {@code invoke} answered: exit code, stdout (the response) and stderr (logs, the error line). */
    private record Run(int exit, String out, String err) {
        JsonNode response() throws IOException {
            assertThat(exit).as("exit code; stderr:\n" + err).isZero();
            return JSON.readTree(out);
        }

        /** The ids in a batch response's batchItemFailures, described by the function's logs. */
        org.assertj.core.api.ListAssert<String> batchItemFailures() throws IOException {
            JsonNode failures = response().path("batchItemFailures");
            assertThat(failures.isArray()).as("a batch response: " + out).isTrue();
            List<String> ids = new ArrayList<>();
            failures.forEach(f -> ids.add(f.path("itemIdentifier").asText()));
            return assertThat(ids).as("batchItemFailures; stderr:\n" + err);
        }
    }

    private interface Check {
        void verify(Run run) throws Exception;
    }

    /** A sample event of events/ and what its function must answer and do with it. */
    private record Sample(String function, String file, Check check) {
    }

    /**
     * Every function's samples, in the order they run: IngestFunction's batch first, then the deadline
     * timers of the same users, which find their state as that batch left it (the later batches move those
     * users on). A new function in template.yaml needs its sample here (write it with events/make_events.py).
     */
    private static final List<Sample> SAMPLES = List.of(
            new Sample("IngestFunction", "kinesis-batch.json", run -> {
                run.batchItemFailures().isEmpty();
                assertThat(Fixtures.all(DYNAMO, stateTable)).containsKeys(
                        "user#u-1001", "user#u-1002", "user#u-1003", "zone#zone-sh-01", "merchant#m-23");
                assertThat(Fixtures.user(DYNAMO, stateTable, "u-1002").orders).isEqualTo(1);
            }),
            new Sample("DeadlineCheckFunction", "sqs-deadline-timer.json", run -> {
                run.batchItemFailures().isEmpty();
                // u-1001's stalled cart is judged (the outcome depends on the wall clock's quiet hours).
                assertThat(decisions("u-1001")).extracting(Decision::trigger).containsExactly("deadline");
            }),
            new Sample("DeadlineCheckFunction", "sqs-deadline-redelivered.json", run -> {
                run.batchItemFailures().isEmpty();
                assertThat(decisions("u-1001")).hasSize(1); // the same timer again decides nothing new
            }),
            new Sample("DeadlineCheckFunction", "sqs-deadline-poison.json", run ->
                    run.batchItemFailures()
                            .containsExactlyInAnyOrderElementsOf(unreadableTimers("sqs-deadline-poison.json")).hasSize(2)),
            new Sample("DeadlineCheckFunction", "sqs-journey-step.json", run -> run.batchItemFailures().isEmpty()),
            new Sample("IngestFunction", "kinesis-duplicates.json", run -> run.batchItemFailures().isEmpty()),
            new Sample("IngestFunction", "kinesis-poison.json", run -> {
                // Bad records are quarantined with their reasons, not failed: nothing for the stream to retry.
                run.batchItemFailures().isEmpty();
                assertThat(drain(quarantineQueue, 9)).hasSize(9)
                        .allSatisfy(m -> assertThat(m.path("reason").path("code").asText()).isNotBlank());
            }),
            new Sample("DormantScanFunction", "scheduler-dormant-scan.json", run -> {
                assertThat(run.response().asText()).isEqualTo("2026-11-29"); // the run day, a JSON string
                assertThat(drain(shardQueue, 16)).hasSize(16)
                        .allSatisfy(task -> assertThat(task.path("runDay").asText()).isEqualTo("2026-11-29"));
            }),
            new Sample("DormantShardFunction", "sqs-dormant-shard.json", run -> run.batchItemFailures().isEmpty()),
            new Sample("DormantShardFunction", "sqs-deferred-reminder.json", run -> run.batchItemFailures().isEmpty()),
            new Sample("ConversionFunction", "kinesis-orders.json", run -> {
                run.batchItemFailures().isEmpty();
                Map<String, AttributeValue> order = DYNAMO.getItem(b -> b.tableName(conversions.ledger()).key(Map.of(
                        "pk", AttributeValue.fromS("user#u-1001"), "sk", AttributeValue.fromS("conversion#o-1001-1")))).item();
                assertThat(order.get("decisionId").s()).isEqualTo(conversions.sent().decisionId());
            }),
            new Sample("SegmentChangesFunction", "dynamodb-state-changes.json", run -> {
                run.batchItemFailures().isEmpty();
                assertThat(drain(segmentChangesQueue, 3)).extracting(m -> m.get("userId").asText() + " "
                        + m.get("change").asText() + " " + m.get("tag").asText()).containsExactlyInAnyOrder(
                        "u-1001 entered new_no_order", "u-1002 left dormant", "u-1002 entered high_value");
            }),
            // Geo campaigns: the import fills the directory the campaign then plans over.
            new Sample("ImportFunction", "s3-import.json", run ->
                    assertThat(DYNAMO.scan(b -> b.tableName(directoryTable)).count()).isPositive()),
            new Sample("DirectoryFunction", "kinesis-directory.json", run -> run.batchItemFailures().isEmpty()),
            new Sample("CampaignFunction", "eventbridge-site-campaign.json", run ->
                    assertThat(drain(campaignSendQueue, 1)).isNotEmpty()),
            new Sample("CampaignFunction", "function-url-site-campaign.json", run ->
                    assertThat(run.response().path("statusCode").asInt()).isBetween(200, 299)),
            new Sample("CampaignSendFunction", "sqs-campaign-send.json", run -> run.batchItemFailures().isEmpty()));

    @BeforeAll
    static void resourcesAndTheirEnvVarsFile(@TempDir Path dir) throws IOException {
        sns = FaultProxy.inFrontOf(MiniStack.endpoint(), 1).inject(1.0, Set.of("CheckIfPhoneNumberIsOptedOut"),
                new FaultProxy.Injection("opt_out_lookup", false, 200, "text/xml", Map.of(),
                        "<CheckIfPhoneNumberIsOptedOutResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                                + "<CheckIfPhoneNumberIsOptedOutResult><isOptedOut>false</isOptedOut>"
                                + "</CheckIfPhoneNumberIsOptedOutResult><ResponseMetadata><RequestId>r-1</RequestId>"
                                + "</ResponseMetadata></CheckIfPhoneNumberIsOptedOutResponse>"));
        stateTable = Fixtures.stateTable(DYNAMO);
        ledgerTable = Fixtures.ledgerTable(DYNAMO);
        conversions = ConversionStories.seed(DYNAMO);
        quarantineQueue = Fixtures.queue(SQS, "quarantine");
        shardQueue = Fixtures.queue(SQS, "scan-shards");
        String timerQueue = Fixtures.queue(SQS, "timers");
        String reminderQueue = Fixtures.queue(SQS, "reminders");
        String scheduleGroup = "winback-timers-" + UUID.randomUUID().toString().substring(0, 8);
        try (SchedulerClient scheduler = MiniStack.configure(SchedulerClient.builder()).build()) {
            scheduler.createScheduleGroup(b -> b.name(scheduleGroup));
        }
        String[] segmentChanges = Fixtures.topicWithQueue(SNS, SQS, "segment-changes");
        segmentChangesQueue = segmentChanges[1];

        Map<String, String> shared = new LinkedHashMap<>();
        shared.put("STATE_TABLE", stateTable);
        shared.put("LEDGER_TABLE", ledgerTable);
        shared.put("QUARANTINE_QUEUE_URL", quarantineQueue);
        shared.put("TIMER_QUEUE_URL", timerQueue);
        shared.put("TIMER_QUEUE_ARN", Fixtures.queueArn(SQS, timerQueue));
        shared.put("SCHEDULE_GROUP", scheduleGroup);
        shared.put("SCHEDULER_ROLE_ARN", "arn:aws:iam::000000000000:role/winback-scheduler");
        shared.put("SCHEDULE_DLQ_ARN", Fixtures.queueArn(SQS, Fixtures.queue(SQS, "schedule-dlq")));
        shared.put("COUPONS_TOPIC_ARN", Fixtures.topicWithQueue(SNS, SQS, "coupons")[0]);
        shared.put("NOTIFICATIONS_TOPIC_ARN", Fixtures.topicWithQueue(SNS, SQS, "notifications")[0]);
        shared.put("AUDIENCE_TOPIC_ARN", Fixtures.topicWithQueue(SNS, SQS, "audience")[0]);
        shared.put("REMINDER_QUEUE_URL", reminderQueue);
        shared.put("REMINDER_QUEUE_ARN", Fixtures.queueArn(SQS, reminderQueue));
        shared.put("CONTENT_BUCKET", Fixtures.contentBucket(Fixtures.s3()));
        shared.put("SEGMENT_CHANGES_TOPIC_ARN", segmentChanges[0]);
        directoryTable = GeoFixtures.directoryTable(DYNAMO);
        campaignSendQueue = Fixtures.queue(SQS, "campaign-send");
        shared.put("DIRECTORY_TABLE", directoryTable);
        shared.put("CAMPAIGN_SEND_QUEUE_URL", campaignSendQueue);
        shared.put("CALL_TASK_QUEUE_URL", Fixtures.queue(SQS, "call-tasks"));
        uploadImportSample();
        // SAM's format: "Parameters" for every function, a function's own section wins over it.
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("Parameters", shared);
        file.put("DormantScanFunction", Map.of("SCAN_SHARD_QUEUE_URL", shardQueue));
        file.put("ConversionFunction", Map.of("LEDGER_TABLE", conversions.ledger()));
        envVars = dir.resolve("env.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(envVars.toFile(), file);
    }

    /** ImportFunction reads the object its S3 event names: put the sample CSV there. */
    private static void uploadImportSample() throws IOException {
        JsonNode s3 = JSON.readTree(RepoRoot.get().resolve("events/s3-import.json").toFile()).at("/Records/0/s3");
        String bucket = s3.at("/bucket/name").asText();
        String key = java.net.URLDecoder.decode(s3.at("/object/key").asText(), java.nio.charset.StandardCharsets.UTF_8);
        try (var client = Fixtures.s3()) {
            try {
                client.createBucket(b -> b.bucket(bucket));
            } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
                // made by an earlier test of this JVM
            }
            client.putObject(b -> b.bucket(bucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromFile(
                    RepoRoot.get().resolve("events/directory-import.csv")));
        }
    }

    @AfterAll
    static void stopProxy() {
        sns.close();
    }

    @Test
    void everyFunctionHasASampleEventAndEverySampleAFunction() throws IOException {
        Set<String> functions = new TreeSet<>(SamTemplate.read(TEMPLATE).functionIds());
        Set<String> withSamples = SAMPLES.stream().map(Sample::function).collect(Collectors.toCollection(TreeSet::new));
        assertThat(functions).as("functions of template.yaml without a sample event in InvokeCommandTest.SAMPLES "
                + "(add one to events/make_events.py)").isSubsetOf(withSamples);
        assertThat(withSamples).as("functions in SAMPLES that template.yaml no longer has").isSubsetOf(functions);
        try (Stream<Path> files = Files.list(EVENTS)) {
            Set<String> jsonSamples = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> invoked = SAMPLES.stream().map(Sample::file).collect(Collectors.toCollection(TreeSet::new));
            assertThat(invoked).as("every sample Lambda event in events/ is invoked on its function").isEqualTo(jsonSamples);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFunctionAnswersEachOfItsSamples() {
        return SAMPLES.stream().map(sample -> DynamicTest.dynamicTest(sample.function() + " " + sample.file(),
                () -> sample.check().verify(invoke(sample.function(), "-e", EVENTS.resolve(sample.file()).toString()))));
    }

    @Test
    void anUnknownFunctionIsOneLineListingTheFunctions() {
        Run run = winback("invoke", "IngestFuntion", "-t", TEMPLATE.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("winback: no function 'IngestFuntion' in the template; its functions are: ")
                .contains("IngestFunction", "DeadlineCheckFunction", "SegmentChangesFunction").doesNotContain("\n");
    }

    @Test
    void withoutValuesForTheStacksResourcesItSaysWhichAndDoesNotStart() {
        Run run = winback("invoke", "IngestFunction", "-t", TEMPLATE.toString(),
                "-e", EVENTS.resolve("kinesis-batch.json").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("IngestFunction needs values that only a deployed stack has: STATE_TABLE (Ref StateTable), ")
                .contains("TIMER_QUEUE_ARN (Fn::GetAtt TimerQueue.Arn)").contains("--env-vars");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aFunctionThatThrowsExitsNonZeroWithOneLine(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "{}");

        Run run = invoke("DormantScanFunction", "-e", empty.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("winback: DormantScanFunction failed: IllegalArgumentException: "
                + "the scan needs a 'scheduledTime' (the schedule's <aws.scheduler.scheduled-time>)");
    }

    private static Run invoke(String function, String... more) {
        List<String> args = new ArrayList<>(List.of("invoke", function, "-t", TEMPLATE.toString(),
                "--env-vars", envVars.toString(), "--endpoint", MiniStack.endpoint().toString(),
                "--service-endpoint", "dynamodb=" + DynamoDbLocal.endpoint(), "--service-endpoint", "sns=" + sns.endpoint()));
        args.addAll(List.of(more));
        return winback(args.toArray(String[]::new));
    }

    private static Run winback(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<Decision> decisions(String userId) {
        return new DynamoDecisionLog(DYNAMO, ledgerTable).forUser(userId, Instant.parse("2026-11-21T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"));
    }

    private static List<String> unreadableTimers(String file) throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode message : JSON.readTree(EVENTS.resolve(file).toFile()).path("Records")) {
            try {
                TimerMessage.fromJson(message.path("body").asText());
            } catch (IllegalArgumentException unreadable) {
                ids.add(message.path("messageId").asText());
            }
        }
        return ids;
    }

    /** The messages on the queue (bodies as JSON), deleting them: waits up to 10 s for {@code expected}, then takes any extra. */
    private static List<JsonNode> drain(String queueUrl, int expected) throws IOException {
        List<JsonNode> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean waiting = bodies.size() < expected && System.nanoTime() < deadline;
            List<Message> messages = SQS.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(waiting ? 1 : 0)).messages();
            for (Message message : messages) {
                bodies.add(JSON.readTree(message.body()));
                SQS.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            if (messages.isEmpty() && !waiting) {
                return bodies;
            }
        }
    }
}
