package dev.winback.adapters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Runs the SDK calls the adapters make (the same operations, shapes and protocols) on twins of the
 * functions' clients whose HTTP client never leaves the process: it answers every request with an
 * empty success. What the first real call would pay for — client, marshaller, signer, endpoint rules,
 * unmarshaller and interceptor classes loaded and run once — is paid here, before a SnapStart snapshot,
 * with no network, no AWS permission and no write anywhere. Answers that a client checks (SQS's MD5 of
 * the body) fail after unmarshalling; that failure is expected and swallowed.
 */
public final class SdkClientPriming {

    private static final String NAME = "winback-priming";
    private static final Map<String, AttributeValue> KEY = Map.of(
            "pk", AttributeValue.fromS("user#priming"), "sk", AttributeValue.fromS("state"));

    private final OfflineHttpClient http = new OfflineHttpClient();
    private final Region region;

    /** @param region the functions' region (endpoint rules resolve for it); nothing is sent there */
    public SdkClientPriming(Region region) {
        this.region = region;
    }

    /** Requests answered so far: all of them in-process. */
    public int requests() {
        return http.requests.get();
    }

    /** GetItem, PutItem (conditional), UpdateItem, DeleteItem, Query pages, BatchGetItem, TransactWriteItems. */
    public void dynamoDb() {
        try (DynamoDbClient dynamo = twin(DynamoDbClient.builder()).build()) {
            swallow(() -> dynamo.getItem(b -> b.tableName(NAME).key(KEY).consistentRead(true)));
            swallow(() -> dynamo.putItem(b -> b.tableName(NAME).item(Map.of("pk", KEY.get("pk"), "sk", KEY.get("sk"),
                            "body", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2, 3}))))
                    .conditionExpression("attribute_not_exists(pk) OR version = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))));
            swallow(() -> dynamo.updateItem(b -> b.tableName(NAME).key(KEY)
                    .updateExpression("ADD #c :one").expressionAttributeNames(Map.of("#c", "count"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).returnValues(ReturnValue.UPDATED_NEW)));
            swallow(() -> dynamo.deleteItem(b -> b.tableName(NAME).key(KEY)));
            swallow(() -> dynamo.queryPaginator(b -> b.tableName(NAME).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", KEY.get("pk")))).items().forEach(item -> { }));
            swallow(() -> dynamo.batchGetItem(b -> b.requestItems(Map.of(NAME,
                    KeysAndAttributes.builder().keys(List.of(KEY)).consistentRead(true).build()))));
            swallow(() -> dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                    .put(p -> p.tableName(NAME).item(KEY).conditionExpression("attribute_not_exists(pk)")).build())));
        }
    }

    /** SendMessage (delayed), SendMessageBatch, ChangeMessageVisibility. */
    public void sqs() {
        String queue = "https://sqs." + region.id() + ".amazonaws.com/000000000000/" + NAME;
        try (SqsClient sqs = twin(SqsClient.builder()).build()) {
            swallow(() -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"kind\":\"priming\"}").delaySeconds(45)));
            swallow(() -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(
                    SendMessageBatchRequestEntry.builder().id("0").messageBody("{\"kind\":\"priming\"}").build())));
            swallow(() -> sqs.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle("priming").visibilityTimeout(60)));
        }
    }

    /** Publish (with the SMS attributes), PublishBatch, CheckIfPhoneNumberIsOptedOut. */
    public void sns() {
        String topic = "arn:aws:sns:" + region.id() + ":000000000000:" + NAME;
        try (SnsClient sns = twin(SnsClient.builder()).build()) {
            swallow(() -> sns.publish(b -> b.topicArn(topic).message("priming").messageAttributes(Map.of("AWS.SNS.SMS.SMSType",
                    MessageAttributeValue.builder().dataType("String").stringValue("Transactional").build()))));
            swallow(() -> sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(
                    PublishBatchRequestEntry.builder().id("0").message("priming").build())));
            swallow(() -> sns.checkIfPhoneNumberIsOptedOut(b -> b.phoneNumber("+15555550100")));
        }
    }

    /** CreateSchedule and UpdateSchedule of a one-time at() schedule, as the timers and deferrals write them. */
    public void scheduler() {
        try (SchedulerClient scheduler = twin(SchedulerClient.builder()).build()) {
            swallow(() -> scheduler.createSchedule(b -> b.name(NAME).groupName(NAME)
                    .scheduleExpression("at(2026-01-01T00:00:00)").scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .target(t -> t.arn("arn:aws:sqs:" + region.id() + ":000000000000:" + NAME)
                            .roleArn("arn:aws:iam::000000000000:role/" + NAME).input("{}"))));
            swallow(() -> scheduler.updateSchedule(b -> b.name(NAME).groupName(NAME)
                    .scheduleExpression("at(2026-01-01T00:00:00)")
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
                    .target(t -> t.arn("arn:aws:sqs:" + region.id() + ":000000000000:" + NAME)
                            .roleArn("arn:aws:iam::000000000000:role/" + NAME).input("{}"))));
        }
    }

    /** GetObject, PutObject and a presigned GET link (signed locally). */
    public void s3() {
        try (S3Client s3 = twin(S3Client.builder()).build()) {
            swallow(() -> s3.getObjectAsBytes(b -> b.bucket(NAME).key("mailbox/priming")));
            swallow(() -> s3.putObject(b -> b.bucket(NAME).key("content/priming.txt").contentType("text/plain"),
                    RequestBody.fromString("priming")));
        }
        try (S3Presigner presigner = S3Presigner.builder().region(region).credentialsProvider(credentials()).build()) {
            swallow(() -> presigner.presignGetObject(b -> b.signatureDuration(Duration.ofDays(7))
                    .getObjectRequest(g -> g.bucket(NAME).key("content/priming.txt"))));
        }
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B twin(B builder) {
        builder.httpClient(http).region(region).credentialsProvider(credentials())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        return builder;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
    }

    /** A priming call may fail once its work is done (a checked answer); that is not worth stopping for. */
    private static void swallow(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException expected) {
            // the classes it needed are loaded; see the class comment
        }
    }

    /**
     * Answers every request at once with 200: {@code {}} to the JSON protocols, an empty
     * {@code <ActionResponse>} to the query protocol (SNS), an empty body to S3. Reads the request body
     * first, so streaming and signing of payloads run as they would on the wire.
     */
    static final class OfflineHttpClient implements SdkHttpClient {

        final AtomicInteger requests = new AtomicInteger();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    requests.incrementAndGet();
                    byte[] sent = new byte[0];
                    if (request.contentStreamProvider().isPresent()) {
                        try (InputStream in = request.contentStreamProvider().get().newStream()) {
                            sent = in.readAllBytes();
                        }
                    }
                    byte[] body = answer(request, new String(sent, StandardCharsets.UTF_8));
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("x-amzn-RequestId", "priming").putHeader("x-amz-request-id", "priming")
                                    .putHeader("ETag", "\"priming\"").putHeader("Date", Instant.EPOCH.toString())
                                    .putHeader("Content-Length", Integer.toString(body.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        private static byte[] answer(HttpExecuteRequest request, String sent) {
            String contentType = request.httpRequest().firstMatchingHeader("Content-Type").orElse("");
            String answer;
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                String action = "Publish";
                for (String pair : sent.split("&")) {
                    if (pair.startsWith("Action=")) {
                        action = URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                    }
                }
                answer = "<" + action + "Response><" + action + "Result/><ResponseMetadata><RequestId>priming</RequestId>"
                        + "</ResponseMetadata></" + action + "Response>";
            } else if (contentType.contains("json")) {
                answer = "{}";
            } else {
                answer = "";
            }
            return answer.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String clientName() {
            return "WinbackPrimingOffline";
        }

        @Override
        public void close() {
        }
    }
}
