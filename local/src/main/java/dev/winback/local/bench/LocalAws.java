package dev.winback.local.bench;

import dev.winback.local.Home;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.local.WinbackCommand.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * MiniStack (the emulator of {@code .venv}, as the integration tests run it) behind a {@link CountingProxy},
 * and the resources template.yaml would create, made fresh on demand as the env-vars values the functions
 * read. Stopped on close.
 */
final class LocalAws implements AutoCloseable {

    private static final Path MINISTACK = Home.path(".venv/bin/ministack");

    private final Process ministack;
    final CountingProxy proxy;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final SchedulerClient scheduler;
    private final S3Client s3;

    private LocalAws(Process ministack, URI endpoint) throws IOException {
        this.ministack = ministack;
        this.proxy = new CountingProxy(endpoint);
        dynamo = configure(DynamoDbClient.builder(), endpoint).build();
        sqs = configure(SqsClient.builder(), endpoint).build();
        sns = configure(SnsClient.builder(), endpoint).build();
        scheduler = configure(SchedulerClient.builder(), endpoint).build();
        s3 = configure(S3Client.builder().forcePathStyle(true), endpoint).build();
    }

    static LocalAws start(Path log) throws IOException, InterruptedException {
        if (!Files.isExecutable(MINISTACK)) {
            throw new UserError("the cold-start benchmark needs MiniStack in .venv: run infra/tools/setup.sh emulator "
                    + "(or ./winback test once)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(MINISTACK.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("GATEWAY_PORT", Integer.toString(port));
        builder.environment().put("BIND_HOST", "127.0.0.1");
        builder.environment().put("MINISTACK_REGION", ColdStartBench.REGION);
        builder.environment().put("PERSIST_STATE", "0");
        builder.environment().remove("SERVICES");
        Process process = builder.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(endpoint.resolve("/_ministack/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new LocalAws(process, endpoint);
                }
            } catch (IOException notYet) {
                // keep polling
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("MiniStack did not start on " + endpoint + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        builder.endpointOverride(endpoint).region(Region.of(ColdStartBench.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder;
    }

    /** New tables, queues, topics, schedule group and buckets: the values of every function's !Ref and !GetAtt. */
    Map<String, String> freshStack() throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("STATE_TABLE", stateTable("winback-state-" + id));
        values.put("LEDGER_TABLE", keyedTable("winback-ledger-" + id));
        values.put("DIRECTORY_TABLE", keyedTable("winback-directory-" + id));
        values.put("QUARANTINE_QUEUE_URL", queue("quarantine-" + id));
        String timers = queue("timers-" + id);
        values.put("TIMER_QUEUE_URL", timers);
        values.put("TIMER_QUEUE_ARN", arn(timers));
        String reminders = queue("reminders-" + id);
        values.put("REMINDER_QUEUE_URL", reminders);
        values.put("REMINDER_QUEUE_ARN", arn(reminders));
        values.put("SCAN_SHARD_QUEUE_URL", queue("scan-shards-" + id));
        values.put("SCHEDULE_DLQ_ARN", arn(queue("schedule-dlq-" + id)));
        values.put("CAMPAIGN_SEND_QUEUE_URL", queue("campaign-send-" + id));
        values.put("CALL_TASK_QUEUE_URL", queue("call-tasks-" + id));
        String group = "winback-timers-" + id;
        scheduler.createScheduleGroup(b -> b.name(group));
        values.put("SCHEDULE_GROUP", group);
        values.put("SCHEDULER_ROLE_ARN", "arn:aws:iam::000000000000:role/winback-scheduler");
        values.put("COUPONS_TOPIC_ARN", topic("coupons-" + id));
        values.put("NOTIFICATIONS_TOPIC_ARN", topic("notifications-" + id));
        values.put("AUDIENCE_TOPIC_ARN", topic("audience-" + id));
        values.put("SEGMENT_CHANGES_TOPIC_ARN", topic("segment-changes-" + id));
        String bucket = "winback-content-" + id;
        s3.createBucket(b -> b.bucket(bucket));
        values.put("CONTENT_BUCKET", bucket);
        uploadImportSample();
        return values;
    }

    /** The state table as template.yaml defines it: {@code pk}, and the sparse DormantCohort index. */
    private String stateTable(String name) {
        dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("cohort"))
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("DormantCohort")
                        .keySchema(KeySchemaElement.builder().attributeName("cohort").keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName("pk").keyType(KeyType.RANGE).build())
                        .projection(p -> p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes("contact", "dormantFrom"))
                        .build()));
        return name;
    }

    /** The ledger and directory tables: {@code pk} + {@code sk}. */
    private String keyedTable(String name) {
        dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"))
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        return name;
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private String queue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private String topic(String name) {
        return sns.createTopic(b -> b.name(name)).topicArn();
    }

    /** ImportFunction reads the object its sample S3 event names. */
    private void uploadImportSample() throws IOException {
        JsonNode object = new ObjectMapper().readTree(Home.path("events/s3-import.json").toFile()).at("/Records/0/s3");
        String bucket = object.at("/bucket/name").asText();
        String key = URLDecoder.decode(object.at("/object/key").asText(), StandardCharsets.UTF_8);
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception alreadyThere) {
            // an earlier round made it
        }
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(Home.path("events/directory-import.csv")));
    }

    @Override
    public void close() {
        proxy.close();
        dynamo.close();
        sqs.close();
        sns.close();
        scheduler.close();
        s3.close();
        ministack.descendants().forEach(ProcessHandle::destroy);
        ministack.destroy();
        try {
            if (!ministack.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                ministack.destroyForcibly();
            }
        } catch (InterruptedException e) {
            ministack.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
