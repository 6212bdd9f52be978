package dev.winback.handlers;

import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.time.Clock;
import java.time.ZoneId;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the functions' collaborators from the environment the template sets. SDK clients use the
 * light URL-connection HTTP client; region, credentials and endpoint (AWS_ENDPOINT_URL) come from
 * the SDK's default chains.
 */
public record Wiring(Policy policy, DynamoDbClient dynamo, SqsClient sqs, String stateTable, String quarantineQueueUrl) {

    /** Subjects written at once per batch: enough to hide DynamoDB latency, few enough not to throttle. */
    static final int WRITE_PARALLELISM = 16;

    public static Wiring fromEnvironment() {
        Policy policy = PolicyLoader.defaults();
        String zone = System.getenv("POLICY_TIME_ZONE");
        if (zone != null && !zone.isBlank()) {
            policy = policy.withTimeZone(ZoneId.of(zone));
        }
        return new Wiring(policy,
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                required("STATE_TABLE"), required("QUARANTINE_QUEUE_URL"));
    }

    /** Wired once the AWS adapters for timers, ledgers and SNS land (issue #3). */
    public dev.winback.core.recall.DeadlineCheck deadlineCheck() {
        throw new UnsupportedOperationException("DeadlineCheckFunction wiring is not available yet");
    }

    public StreamIngest streamIngest() {
        return new StreamIngest(policy, new DynamoStateStore(dynamo, stateTable), new SqsQuarantine(sqs, quarantineQueueUrl),
                Clock.systemUTC(), WRITE_PARALLELISM);
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }
}
