package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoRewardChoices;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.Timer;
import dev.winback.core.scenario.RewardBandit;
import dev.winback.core.scenario.RewardStats;
import dev.winback.core.scenario.RewardStats.Counts;
import dev.winback.core.scenario.ScenarioCheck;
import dev.winback.core.scenario.ScenarioConversions;
import dev.winback.core.scenario.ScenarioReward;
import dev.winback.core.scenario.ScenarioTimers;
import dev.winback.core.scenario.ScenarioStrategy;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** C4 on DynamoDB Local: the bandit's atomic counters, the pinned choice, and a scenario decision end to end. */
class RewardStatsTest {

    private static final List<ScenarioReward> CANDIDATES = List.of(
            ScenarioReward.of("coupon", new BigDecimal("5.00")),
            ScenarioReward.of("coupon", new BigDecimal("10.00")),
            ScenarioReward.of("free_delivery", null));

    private static DynamoDbClient dynamo;
    private static String ledger;
    private static String state;

    @BeforeAll
    static void tables() {
        dynamo = DynamoDbLocal.client();
        ledger = Fixtures.ledgerTable(dynamo);
        state = Fixtures.stateTable(dynamo);
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @Test
    void concurrentSendsAreNeverLost() throws Exception {
        RewardStats stats = new DynamoRewardStats(dynamo, ledger);

        concurrently(32, i -> {
            stats.recordSend("race", "coupon:5.00");
            return null;
        });

        assertThat(stats.counts("race")).isEqualTo(Map.of("coupon:5.00", new Counts(32, 0)));
    }

    @Test
    void sendsAndConversionsRaceOnOneItem() throws Exception {
        RewardStats stats = new DynamoRewardStats(dynamo, ledger);

        concurrently(48, i -> {
            if (i % 3 == 0) {
                stats.recordConversion("mixed", "free_delivery");
            } else {
                stats.recordSend("mixed", "free_delivery");
            }
            return null;
        });

        assertThat(stats.counts("mixed")).isEqualTo(Map.of("free_delivery", new Counts(32, 16)));
    }

    @Test
    void countsReadBackPerRewardAndScenario() {
        RewardStats stats = new DynamoRewardStats(dynamo, ledger);
        for (int i = 0; i < 5; i++) {
            stats.recordSend("readback", "coupon:5.00");
        }
        stats.recordConversion("readback", "coupon:5.00");
        stats.recordSend("readback", "free_delivery");
        stats.recordSend("readback-other", "coupon:5.00");

        assertThat(stats.counts("readback")).isEqualTo(Map.of(
                "coupon:5.00", new Counts(5, 1),
                "free_delivery", new Counts(1, 0)));
        assertThat(stats.counts("readback-other")).isEqualTo(Map.of("coupon:5.00", new Counts(1, 0)));
        assertThat(stats.counts("never-sent")).isEmpty();

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(ledger).key(Map.of(
                "pk", AttributeValue.fromS("stats#scenario#readback"),
                "sk", AttributeValue.fromS("reward#coupon:5.00")))).item();
        assertThat(item.get("sends").n()).isEqualTo("5");
        assertThat(item.get("conversions").n()).isEqualTo("1");
    }

    @Test
    void theFirstPinnedChoiceWinsAndRoundTrips() throws Exception {
        DynamoRewardChoices choices = new DynamoRewardChoices(dynamo, ledger);
        List<RewardBandit.Choice> proposals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            proposals.add(RewardBandit.choose(CANDIDATES, Map.of("coupon:5.00", new Counts(10, 2)), 0.5,
                    RewardBandit.seededFrom("proposal-" + i)));
        }

        List<RewardBandit.Choice> pinned = concurrently(8, i -> choices.pin("dl-pin-race", proposals.get(i)));

        assertThat(pinned).allMatch(p -> p.equals(pinned.get(0)));
        assertThat(proposals).contains(pinned.get(0));
        assertThat(choices.pin("dl-pin-race", proposals.get(7))).isEqualTo(pinned.get(0));
        RewardBandit.Choice other = proposals.get(3);
        assertThat(choices.pin("dl-pin-other", other)).isEqualTo(other);
    }

    @Test
    void aScenarioDecisionOnTheDynamoLedgersCountsItsSendAndConversionOnce() {
        Policy policy = Fixtures.policyWithoutHoldout();
        ScenarioStrategy base = ScenarioStrategy.allOf(policy).get("new_no_order");
        ScenarioStrategy strategy = new ScenarioStrategy(base.name(), base.segment(), base.after(), base.delay(),
                base.rewards(), base.channels(), base.messages(), base.explorationFloor(), 0);
        String userId = "scenario-e2e-" + java.util.UUID.randomUUID();
        UserState user = UserState.newUser(userId);
        user.registeredAt = Instant.parse("2026-11-22T02:00:00Z"); // 10:00 in Shanghai
        user.profile.put("phone", "+8613800001111");
        user.profile.put("locale", "en");
        DynamoStateStore states = new DynamoStateStore(dynamo, state);
        states.save(new StoredState(SubjectKey.user(userId), 1, "0", StateCodec.toBytes(user), user.tags), 0);

        DynamoRewardStats stats = new DynamoRewardStats(dynamo, ledger);
        DynamoSendLedger sends = new DynamoSendLedger(dynamo, ledger);
        DynamoDecisionLog decisions = new DynamoDecisionLog(dynamo, ledger);
        List<Notifier.Message> sent = Collections.synchronizedList(new ArrayList<>());
        List<String> wallet = Collections.synchronizedList(new ArrayList<>());
        ScenarioCheck.Ports ports = new ScenarioCheck.Ports(states, decisions, (timers, now) -> { }, stats,
                new DynamoRewardChoices(dynamo, ledger), phone -> false, new DynamoContactHistory(dynamo, ledger),
                new DynamoCouponLedger(dynamo, ledger), sends, sent::add,
                (couponId, decisionId, uid, amount, kind, at) -> wallet.add(couponId),
                dev.winback.core.recall.SuppressionList.NONE);
        ScenarioCheck check = new ScenarioCheck(policy, Map.of("new_no_order", strategy),
                dev.winback.core.scenario.SegmentMembership.of(policy), ports);
        Timer timer = ScenarioTimers.afterRegister(strategy, user);

        Decision decision = check.check(timer, timer.dueAt()).orElseThrow();
        Decision redelivered = check.check(timer, timer.dueAt().plusSeconds(30)).orElseThrow();

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.SENT);
        assertThat(decision.trigger()).isEqualTo("scenario:new_no_order");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).text()).contains("first order");
        assertThat(wallet).hasSize(1);
        @SuppressWarnings("unchecked")
        String reward = (String) ((Map<String, Object>) decision.details().get("reward")).get("id");
        assertThat(stats.counts("new_no_order").get(reward)).isEqualTo(new Counts(1, 0));

        // What the log gives back carries the reward and the posterior, and feeds the conversion count.
        assertThat(redelivered.details()).containsKeys("reward", "posterior", "strategy");
        assertThat(redelivered.details().get("reward")).isEqualTo(decision.details().get("reward"));
        assertThat(ScenarioConversions.record(redelivered, sends, stats)).isTrue();
        assertThat(ScenarioConversions.record(redelivered, sends, stats)).isFalse();
        assertThat(stats.counts("new_no_order").get(reward)).isEqualTo(new Counts(1, 1));
    }

    private static <T> List<T> concurrently(int n, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> call = () -> {
                    start.await();
                    return task.apply(index);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
