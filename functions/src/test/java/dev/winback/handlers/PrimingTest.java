package dev.winback.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.PolicyLoader;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming must run in a snapshot's init without AWS: no endpoint reached (any connection
 * the JVM would open goes through the default proxy selector, which records it here), nothing written,
 * every step done. Endpoints point at a closed local port, so a request that did leave would fail.
 */
class PrimingTest {

    private final List<URI> connections = new CopyOnWriteArrayList<>();
    private ProxySelector previous;

    @BeforeEach
    void recordConnections() {
        previous = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                connections.add(uri);
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
            }
        });
        System.setProperty("aws.region", "eu-west-1");
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:9");
    }

    @AfterEach
    void restore() {
        ProxySelector.setDefault(previous);
        System.clearProperty("aws.region");
        System.clearProperty("aws.endpointUrl");
    }

    @Test
    void everyStepRunsOfflineAndAnswersEveryRequestInProcess() {
        Priming.Report report = new Priming(PolicyLoader.defaults(), () -> EnumSet.allOf(Priming.Client.class)).prime();

        assertEquals(Map.of(), report.failed());
        assertEquals(List.of("events", "timers", "kinesis", "dynamodb", "sqs", "sns", "scheduler", "s3"), report.primed());
        // DynamoDB 7, SQS 3, SNS 3, Scheduler 2, S3 2 (the presigned link is signed locally, not sent).
        assertEquals(17, report.offlineRequests());
        assertEquals(List.of(), connections);
    }

    @Test
    void aFunctionPrimesOnlyTheClientsItsWiringBuilt() {
        Map<String, String> env = Map.of("STATE_TABLE", "state", "QUARANTINE_QUEUE_URL", "http://127.0.0.1:9/q",
                "TIMER_QUEUE_URL", "http://127.0.0.1:9/t", "TIMER_QUEUE_ARN", "arn:aws:sqs:eu-west-1:1:t",
                "SCHEDULE_GROUP", "g", "SCHEDULER_ROLE_ARN", "arn:aws:iam::1:role/r", "SCHEDULE_DLQ_ARN", "arn:aws:sqs:eu-west-1:1:d");
        Wiring wiring = new Wiring(PolicyLoader.defaults(), env::get);
        wiring.streamIngest(); // IngestFunction: DynamoDB, SQS and Scheduler, no SNS, no S3

        Set<Priming.Client> built = wiring.clientsBuilt();
        Priming.Report report = new Priming(wiring.policy(), wiring::clientsBuilt).prime();

        assertEquals(EnumSet.of(Priming.Client.DYNAMODB, Priming.Client.SQS, Priming.Client.SCHEDULER), built);
        assertEquals(List.of("events", "timers", "kinesis", "dynamodb", "sqs", "scheduler"), report.primed());
        assertEquals(List.of(), connections);
    }

    @Test
    void theCheckpointHookPrimesWithoutThrowing() throws Exception {
        Priming priming = Priming.onCheckpoint(PolicyLoader.defaults(), () -> EnumSet.of(Priming.Client.SNS));

        priming.beforeCheckpoint(null);
        priming.afterRestore(null);

        assertTrue(Priming.primeRegistered().stream().anyMatch(r -> r.primed().contains("sns")));
        assertEquals(List.of(), connections);
    }
}
