package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.SendLedger;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.FaultProxy;
import dev.winback.it.support.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Send claims and frequency caps on DynamoDB Local, including concurrent decisions for one user. */
class SendLedgerAndContactHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void table() {
        dynamo = DynamoDbLocal.client();
        table = Fixtures.ledgerTable(dynamo);
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @Test
    void aSendIsClaimedOncePerDecisionAndChannel() {
        SendLedger ledger = new DynamoSendLedger(dynamo, table);

        assertThat(ledger.claim("dl-1", "push")).isTrue();
        assertThat(ledger.claim("dl-1", "push")).as("a retry finds the claim").isFalse();
        assertThat(ledger.claim("dl-1", "sms")).as("another channel is its own send").isTrue();
        assertThat(ledger.claim("dl-2", "push")).as("another decision is its own send").isTrue();

        ledger.release("dl-1", "push");
        assertThat(ledger.claim("dl-1", "push")).as("released after a certain failure").isTrue();
    }

    /**
     * DynamoDB wrote the claim but the caller got a 500 instead of the answer; the SDK sends the same
     * request again. That retry must find the claim its own, or the message would never be sent.
     */
    @Test
    void aClaimWhoseAnswerWasLostIsStillTheCallersOnTheSdksRetry() {
        try (FaultProxy proxy = FaultProxy.inFrontOf(DynamoDbLocal.endpoint(), 1);
             DynamoDbClient lossy = DynamoDbLocal.configure(DynamoDbClient.builder())
                     .endpointOverride(proxy.endpoint()).build()) {
            proxy.injectNext(1, Set.of("PutItem"), FaultProxy.dynamoResponseLost());
            SendLedger ledger = new DynamoSendLedger(lossy, table);

            assertThat(ledger.claim("dl-lost-answer", "sms")).isTrue();
            assertThat(proxy.requests()).containsEntry("PutItem", 2);
            assertThat(proxy.injected()).containsEntry("dynamodb_response_lost", 1);
            assertThat(ledger.claim("dl-lost-answer", "sms")).as("a later attempt still finds it claimed").isFalse();
        }
    }

    @Test
    void concurrentClaimsOfOneSendHaveOneWinner() throws Exception {
        SendLedger ledger = new DynamoSendLedger(dynamo, table);

        List<Boolean> claims = concurrently(16, i -> ledger.claim("dl-race", "sms"));

        assertThat(claims.stream().filter(c -> c)).hasSize(1);
    }

    @Test
    void capsHoldUnderConcurrentReservationsForOneUser() throws Exception {
        ContactHistory history = new DynamoContactHistory(dynamo, table);

        List<Boolean> reserved = concurrently(16, i -> history.reserve("u-busy", "dl-" + i, T0.plusSeconds(i), 1, 3));

        assertThat(reserved.stream().filter(r -> r)).as("1 per day").hasSize(1);
        int winner = reserved.indexOf(true);
        assertThat(history.reserve("u-busy", "dl-" + winner, T0.plusSeconds(winner), 1, 3))
                .as("the winning decision's retry is allowed again").isTrue();
        assertThat(history.reserve("u-busy", "dl-other", T0.plus(Duration.ofHours(23)), 1, 3)).isFalse();
    }

    @Test
    void dayAndWeekCapsSlideWithTime() {
        ContactHistory history = new DynamoContactHistory(dynamo, table);
        String user = "u-weekly";

        assertThat(history.reserve(user, "d1", T0, 1, 3)).isTrue();
        assertThat(history.reserve(user, "d2", T0.plus(Duration.ofHours(25)), 1, 3)).isTrue();
        assertThat(history.reserve(user, "d3", T0.plus(Duration.ofHours(49)), 1, 3)).isTrue();
        assertThat(history.reserve(user, "d4", T0.plus(Duration.ofHours(73)), 1, 3)).as("4th in 7 days").isFalse();
        assertThat(history.reserve(user, "d5", T0.plus(Duration.ofDays(7)).plusSeconds(1), 1, 3))
                .as("the first touch left the week").isTrue();
    }

    @Test
    void aLateDecisionCannotSqueezeInBeforeATouchWithinADay() {
        ContactHistory history = new DynamoContactHistory(dynamo, table);
        String user = "u-out-of-order";

        assertThat(history.reserve(user, "later", T0.plus(Duration.ofHours(2)), 1, 3)).isTrue();
        assertThat(history.reserve(user, "earlier", T0, 1, 3)).isFalse();
    }

    @Test
    void anUnreservedTouchFreesTheCapForAnotherDecision() {
        ContactHistory history = new DynamoContactHistory(dynamo, table);
        String user = "u-unreserved";

        assertThat(history.reserve(user, "no-budget", T0, 1, 3)).isTrue();
        assertThat(history.reserve(user, "next", T0.plusSeconds(60), 1, 3)).isFalse();
        history.unreserve(user, "no-budget");
        history.unreserve(user, "no-budget"); // a retry gives back nothing more
        history.unreserve("u-never-seen", "d");

        assertThat(history.reserve(user, "next", T0.plusSeconds(60), 1, 3)).isTrue();
    }

    private interface Attempt {
        boolean run(int i);
    }

    private static List<Boolean> concurrently(int n, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.run(index);
                }));
            }
            start.countDown();
            List<Boolean> results = new ArrayList<>();
            for (Future<Boolean> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
