package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.KinesisPoller;
import dev.winback.local.Simulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ingest path end to end on real engines: records put into a Kinesis stream on MiniStack, read
 * back the way the event source mapping does, handled by IngestFunction, state in DynamoDB Local.
 */
class KinesisIngestTest {

    private static final Path TRACE = RepoRoot.get().resolve("events/trace-demo.jsonl");

    private final KinesisClient kinesis = MiniStack.kinesis();
    private final SqsClient sqs = MiniStack.sqs();
    private final Policy policy = PolicyLoader.defaults();
    private String stream;
    private String table;
    private String quarantineUrl;

    @BeforeEach
    void freshStream() throws IOException {
        stream = "behavior-" + UUID.randomUUID();
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
        table = Fixtures.stateTable(DynamoDbLocal.client());
        quarantineUrl = Fixtures.queue(sqs, "quarantine");
        putTrace();
    }

    @Test
    void traceThroughTheStreamEndsInTheSameStateAsTheSimulation(@TempDir Path out) throws IOException {
        IngestHandler handler = handler(DynamoDbLocal.client());

        KinesisPoller.Drain drain = new KinesisPoller(kinesis, stream, 25, 3)
                .drainFromStart(handler::handleRequest, Duration.ofSeconds(60));

        assertThat(drain.records()).isEqualTo(traceLines().size());
        assertThat(drain.retriedBatches()).isZero();
        assertThat(usersInDynamo()).isEqualTo(usersFromSimulation(out));
        assertThat(quarantinedCount()).isEqualTo(3);
    }

    @Test
    void aThrottledWriteIsReportedForThatUserAndTheRetryEndsClean(@TempDir Path out) throws IOException {
        AtomicInteger throttled = new AtomicInteger();
        DynamoDbClient throttling = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ThrottleOnce("user#u-bob", throttled)))
                .build();
        List<StreamsEventResponse> responses = new ArrayList<>();
        IngestHandler handler = handler(throttling);

        KinesisPoller.Drain drain = new KinesisPoller(kinesis, stream, 25, 3).drainFromStart((event, context) -> {
            StreamsEventResponse response = handler.handleRequest(event, context);
            responses.add(response);
            if (!response.getBatchItemFailures().isEmpty()) {
                // Only the throttled user's records are reported, starting at its first in the batch.
                List<String> reported = response.getBatchItemFailures().stream()
                        .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
                assertThat(reported).allSatisfy(sequence -> assertThat(userOf(event, sequence)).isEqualTo("u-bob"));
            }
            return response;
        }, Duration.ofSeconds(60));

        assertThat(throttled.get()).isEqualTo(1);
        assertThat(drain.retriedBatches()).isEqualTo(1);
        assertThat(usersInDynamo()).isEqualTo(usersFromSimulation(out));
        assertThat(quarantinedCount()).isEqualTo(3);
    }

    private IngestHandler handler(DynamoDbClient dynamo) {
        return new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, table),
                new SqsQuarantine(sqs, quarantineUrl), Clock.systemUTC(), 8), IngestMetrics.none());
    }

    private void putTrace() throws IOException {
        List<String> lines = traceLines();
        for (int from = 0; from < lines.size(); from += 100) {
            List<PutRecordsRequestEntry> entries = lines.subList(from, Math.min(lines.size(), from + 100)).stream()
                    .map(line -> PutRecordsRequestEntry.builder().partitionKey(partitionKey(line))
                            .data(SdkBytes.fromString(line, StandardCharsets.UTF_8)).build())
                    .toList();
            var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            assertThat(response.failedRecordCount()).isZero();
        }
    }

    private static List<String> traceLines() throws IOException {
        return Files.readAllLines(TRACE).stream().filter(line -> !line.isBlank()).toList();
    }

    /** Producers key by userId (ops events by zone or merchant); a bad line still needs a key. */
    private static String partitionKey(String line) {
        try {
            JsonNode event = JSON.readTree(line);
            for (String field : List.of("userId", "zone", "merchantId")) {
                if (event.hasNonNull(field)) {
                    return event.get(field).asText();
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // quarantined downstream; any key will do
        }
        return "unparseable";
    }

    private static String userOf(KinesisEvent event, String sequenceNumber) {
        return event.getRecords().stream().filter(r -> r.getKinesis().getSequenceNumber().equals(sequenceNumber))
                .findFirst().orElseThrow().getKinesis().getPartitionKey();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Map<String, String> usersInDynamo() {
        Map<String, String> users = new TreeMap<>();
        Fixtures.all(DynamoDbLocal.client(), table).forEach((key, stored) -> {
            if (SubjectKey.isUser(key)) {
                users.put(key, StateCodec.toJson(StateCodec.fromBytes(stored.body(), UserState.class)));
            }
        });
        return users;
    }

    private Map<String, String> usersFromSimulation(Path out) throws IOException {
        // Up to the end of the trace's day: journey steps (a day and more later) would move the state on.
        Simulation.Outcome outcome = new Simulation(policy, 100, Clock.systemUTC(),
                java.time.Instant.parse("2026-11-21T16:00:00Z")).run(TRACE, out);
        Map<String, String> users = new TreeMap<>();
        outcome.users().forEach((id, user) -> users.put(SubjectKey.user(id), StateCodec.toJson(user)));
        return users;
    }

    private int quarantinedCount() {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(quarantineUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    /** DynamoDB refusing one user's first write as if the table were throttled, retries exhausted. */
    private record ThrottleOnce(String key, AtomicInteger count) implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutItemRequest put && put.item().get("pk").s().equals(key)
                    && count.compareAndSet(0, 1)) {
                throw ProvisionedThroughputExceededException.builder()
                        .message("Throughput exceeds the current capacity of your table (injected)").build();
            }
        }
    }
}
