package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoDormantCohort;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.RecordingChannels;
import dev.winback.adapters.SqsQuarantine;
import dev.winback.core.dormancy.DormantCohort;
import dev.winback.core.dormancy.DormantCohorts;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Delivery;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.handlers.IngestHandler;
import dev.winback.handlers.IngestMetrics;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.local.LocalContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * B6 on DynamoDB Local: the dormant cohort is found through the sparse, sharded index, reading one
 * index item per dormant user and none for the others. The population size is a system property so
 * the same test gives BENCHMARKS.md its figures: {@code -Dwinback.cohortUsers=100000}.
 */
class DormantCohortIndexTest {

    private static final int USERS = Integer.getInteger("winback.cohortUsers", 3_000);
    /** 10:00 Shanghai on the run day. */
    private static final Instant RUN = Instant.parse("2026-11-29T02:00:00Z");

    private final Policy policy = Fixtures.policyWithoutHoldout();

    @Test
    void theSampleBatchsUsersAreFiledUnderTheDayTheyBecomeDormant() {
        DynamoDbClient dynamo = DynamoDbLocal.client();
        String table = Fixtures.stateTable(dynamo);
        new IngestHandler(new StreamIngest(policy, new DynamoStateStore(dynamo, table),
                new SqsQuarantine(MiniStack.sqs(), Fixtures.queue(MiniStack.sqs(), "quarantine")), Clock.systemUTC(), 4),
                IngestMetrics.none()).handleRequest(Fixtures.kinesisEvent("kinesis-batch.json"), new LocalContext("IngestFunction"));
        DormantCohort cohort = new DynamoDormantCohort(dynamo, table, Fixtures.COHORT_INDEX);

        // u-1002 logged in on 2026-11-22 (Shanghai): with a 7-day window and threshold 0 they become dormant on the 29th.
        int shard = DormantCohorts.shard("u-1002", policy.dormancy().indexShards());
        List<DormantCohort.Member> members = cohort.members(LocalDate.parse("2026-11-29"), shard);

        assertThat(members).extracting(DormantCohort.Member::userId).contains("u-1002");
        assertThat(cohort.members(LocalDate.parse("2026-11-28"), shard)).isEmpty();
        // u-1001 registered without logging in: filed from registration, with the contact card a scan needs.
        DormantCohort.Member u1001 = cohort.members(LocalDate.parse("2026-11-29"),
                DormantCohorts.shard("u-1001", policy.dormancy().indexShards())).stream()
                .filter(m -> m.userId().equals("u-1001")).findFirst().orElseThrow();
        assertThat(u1001.contact().phone()).isNotBlank();
    }

    @Test
    void aRunReadsOneIndexItemPerDormantUserAndRemindsEachOnce() throws Exception {
        AtomicLong itemsRead = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        DynamoDbClient counting = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                        if (context.response() instanceof QueryResponse query) {
                            itemsRead.addAndGet(query.scannedCount());
                            queries.incrementAndGet();
                        }
                    }
                })).build();
        DynamoDbClient dynamo = DynamoDbLocal.client();
        String table = Fixtures.stateTable(dynamo);
        String ledger = Fixtures.ledgerTable(dynamo);
        int dormant = populate(dynamo, table);

        RecordingChannels channels = new RecordingChannels(() -> RUN);
        DormantReminders reminders = new DormantReminders(policy,
                new DynamoDormantCohort(counting, table, Fixtures.COHORT_INDEX), new DynamoStateStore(dynamo, table),
                Optional::empty, phone -> false, new DynamoContactHistory(dynamo, ledger),
                new Delivery(new DynamoSendLedger(dynamo, ledger), channels), new DynamoDecisionLog(dynamo, ledger),
                (reminder, notBefore) -> { throw new AssertionError("nobody is in quiet hours at 10:00 Shanghai"); });

        long started = System.nanoTime();
        LocalDate runDay = LocalDate.ofInstant(RUN, policy.timeZone());
        int found = 0;
        for (int shard = 0; shard < policy.dormancy().indexShards(); shard++) {
            found += reminders.runShard(runDay, shard, RUN).found();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("dormant scan: %,d users, %,d just dormant, %,d found, %,d index items read in %,d queries"
                        + " (%.2f per user found), %,d reminders sent, %.1f s%n",
                USERS, dormant, found, itemsRead.get(), queries.get(), itemsRead.get() / (double) found,
                channels.sent().size(), seconds);

        assertThat(found).isEqualTo(dormant);
        assertThat(itemsRead.get() / (double) found).isLessThanOrEqualTo(1.2);
        assertThat(channels.sent()).hasSize(dormant);

        // A retried run (the schedule's retry, a redelivered shard task) sends nothing twice.
        for (int shard = 0; shard < policy.dormancy().indexShards(); shard++) {
            reminders.runShard(runDay, shard, RUN);
        }
        assertThat(channels.sent()).hasSize(dormant);
    }

    /**
     * {@value #USERS} users: 1 % logged in last exactly 7 days before the run (dormant from the run
     * day), the rest logged in within the last 6 days (still active). Written as ingest writes them.
     */
    private int populate(DynamoDbClient dynamo, String table) throws Exception {
        DynamoStateStore store = new DynamoStateStore(dynamo, table);
        LocalDate runDay = LocalDate.ofInstant(RUN, policy.timeZone());
        List<Future<?>> writes = new ArrayList<>();
        int dormant = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < USERS; i++) {
                boolean justDormant = i % 100 == 0;
                dormant += justDormant ? 1 : 0;
                LocalDate lastLogin = justDormant ? runDay.minusDays(7) : runDay.minusDays(1 + i % 6);
                UserState user = UserState.newUser("u-" + i);
                user.profile.put("phone", "+86138" + String.format("%08d", i));
                user.profile.put("timezone", "Asia/Shanghai");
                user.loginsByDay.put(lastLogin, 1);
                user.lastLoginAt = lastLogin.atTime(9, 0).atZone(policy.timeZone()).toInstant();
                user.dormantFrom = SegmentRules.dormantFrom(user, null, policy);
                StoredState state = new StoredState(SubjectKey.user(user.userId), 1, "1", StateCodec.toBytes(user),
                        java.util.Set.of(), DormantCohorts.entry(user, policy));
                writes.add(pool.submit(() -> store.save(state, 0)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }
        return dormant;
    }
}
