package dev.winback.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The cold-start benchmark's yardstick: a handler of the same event type as the Winback function it is
 * compared with that, like the function, builds its SDK clients (URL-connection HTTP client) when it is
 * constructed, then makes as many calls to each service as the function made on the same event — cheap
 * reads of the benchmark's resources — and nothing else. What Winback costs beyond it is its own logic,
 * policy, codecs and libraries.
 *
 * <p>Environment: {@link #CALLS} ({@code dynamodb=7,sqs=2,...}), and the resources the reads name.
 */
public final class ColdStartBaseline {

    public static final String CALLS = "BASELINE_CALLS";
    public static final String TABLE = "BASELINE_TABLE";
    public static final String QUEUE = "BASELINE_QUEUE_URL";
    public static final String TOPIC = "BASELINE_TOPIC_ARN";
    public static final String SCHEDULE_GROUP = "BASELINE_SCHEDULE_GROUP";
    public static final String BUCKET = "BASELINE_BUCKET";

    private final Map<String, Integer> calls;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final SchedulerClient scheduler;
    private final S3Client s3;

    private ColdStartBaseline() {
        calls = parse(System.getenv(CALLS));
        dynamo = calls.containsKey("dynamodb") ? DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build() : null;
        sqs = calls.containsKey("sqs") ? SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build() : null;
        sns = calls.containsKey("sns") ? SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build() : null;
        scheduler = calls.containsKey("scheduler")
                ? SchedulerClient.builder().httpClient(UrlConnectionHttpClient.create()).build() : null;
        s3 = calls.containsKey("s3") ? S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build() : null;
    }

    /** {@code dynamodb=7,sqs=2}: service (the signing name) to calls. */
    static Map<String, Integer> parse(String text) {
        Map<String, Integer> calls = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(",")) {
                String[] parts = pair.split("=");
                calls.put(parts[0].strip(), Integer.parseInt(parts[1].strip()));
            }
        }
        return calls;
    }

    private void call() {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("user#baseline"), "sk", AttributeValue.fromS("baseline"));
        calls.forEach((service, n) -> {
            for (int i = 0; i < n; i++) {
                switch (service) {
                    case "dynamodb" -> dynamo.getItem(b -> b.tableName(System.getenv(TABLE)).key(key));
                    case "sqs" -> sqs.getQueueAttributes(b -> b.queueUrl(System.getenv(QUEUE)));
                    case "sns" -> sns.getTopicAttributes(b -> b.topicArn(System.getenv(TOPIC)));
                    case "scheduler" -> scheduler.getScheduleGroup(b -> b.name(System.getenv(SCHEDULE_GROUP)));
                    case "s3" -> s3.headBucket(b -> b.bucket(System.getenv(BUCKET)));
                    default -> throw new IllegalArgumentException("the baseline has no calls for service " + service);
                }
            }
        });
    }

    /** For Kinesis functions (IngestFunction, ConversionFunction, DirectoryFunction). */
    public static final class Kinesis implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
            baseline.call();
            return StreamsEventResponse.builder().withBatchItemFailures(new ArrayList<>()).build();
        }
    }

    /** For SQS functions (DeadlineCheckFunction, DormantShardFunction, CampaignSendFunction). */
    public static final class Sqs implements RequestHandler<SQSEvent, SQSBatchResponse> {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            baseline.call();
            return new SQSBatchResponse(new ArrayList<>());
        }
    }

    /** For the state table's stream (SegmentChangesFunction). */
    public static final class Dynamodb implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            baseline.call();
            return StreamsEventResponse.builder().withBatchItemFailures(new ArrayList<>()).build();
        }
    }

    /** For S3 notifications (ImportFunction). */
    public static final class S3 implements RequestHandler<S3Event, String> {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public String handleRequest(S3Event event, Context context) {
            baseline.call();
            return "ok";
        }
    }

    /** For a plain JSON map (DormantScanFunction's schedule). */
    public static final class Scheduled implements RequestHandler<Map<String, Object>, String> {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public String handleRequest(Map<String, Object> event, Context context) {
            baseline.call();
            return "ok";
        }
    }

    /** For stream handlers (CampaignFunction). */
    public static final class Stream implements RequestStreamHandler {
        private final ColdStartBaseline baseline = new ColdStartBaseline();

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
            input.readAllBytes();
            baseline.call();
            output.write("{}".getBytes(StandardCharsets.UTF_8));
        }
    }
}
