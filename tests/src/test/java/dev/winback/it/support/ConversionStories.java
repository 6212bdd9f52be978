package dev.winback.it.support;

import dev.winback.adapters.DynamoConversionLog;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.core.conversion.ConversionConsumer;
import dev.winback.core.conversion.ConversionTracking;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Timer;
import dev.winback.core.scenario.ScenarioCheck;
import dev.winback.core.scenario.ScenarioStrategy;
import dev.winback.core.scenario.ScenarioTimers;
import dev.winback.core.scenario.SegmentMembership;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.handlers.ConversionHandler;
import dev.winback.handlers.ConversionMetrics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The decisions behind {@code events/kinesis-orders.json} (see its generator), made by the real
 * scenario check and recorded by the real adapters on fresh tables:
 * <ul>
 *   <li>u-1001 registered 01:00:00Z; the {@code new_no_order} message went at 01:30:00Z;</li>
 *   <li>u-1003 registered 01:03:30Z and was drawn into the scenario's holdout at 01:33:30Z;</li>
 *   <li>u-1002 got a deadline recall (push, 4.20 coupon) at 2026-11-22T08:30:00Z.</li>
 * </ul>
 */
public final class ConversionStories {

    public static final String SCENARIO = "new_no_order";

    private ConversionStories() {
    }

    /** The tables and the three decisions as recorded. */
    public record Seeded(String ledger, String state, Decision sent, Decision heldOut, Decision deadline) {

        /** The id of the reward the bandit chose for u-1001 (the key of its counters). */
        @SuppressWarnings("unchecked")
        public String rewardKey() {
            return (String) ((Map<String, Object>) sent.details().get("reward")).get("id");
        }
    }

    public static Seeded seed(DynamoDbClient dynamo) {
        Policy policy = Fixtures.policyWithoutHoldout();
        String ledger = Fixtures.ledgerTable(dynamo);
        String state = Fixtures.stateTable(dynamo);
        ScenarioStrategy base = ScenarioStrategy.allOf(policy).get(SCENARIO);
        ScenarioStrategy everyoneHeldOut = new ScenarioStrategy(base.name(), base.segment(), base.after(), base.delay(),
                base.rewards(), base.channels(), base.messages(), base.explorationFloor(), 1.0);
        Decision sent = decide(policy, dynamo, ledger, state, base, "u-1001", "2026-11-22T01:00:00Z");
        Decision heldOut = decide(policy, dynamo, ledger, state, everyoneHeldOut, "u-1003", "2026-11-22T01:03:30Z");
        Instant recallAt = Instant.parse("2026-11-22T08:30:00Z");
        Decision deadline = new Decision("dl-u1002-order", "u-1002", "deadline", recallAt, Decision.Outcome.SENT,
                List.of("intent_low", "value_not_high"), new Decision.Reward(new BigDecimal("4.20"), "coupon"),
                List.of("push"), Map.of("page", "order", "decidedAt", recallAt.plusMillis(350).toString()));
        new DynamoDecisionLog(dynamo, ledger).record(deadline);
        return new Seeded(ledger, state, sent, heldOut, deadline);
    }

    /** ConversionFunction's handler as Wiring builds it, on {@code dynamo}'s ledger table. */
    public static ConversionHandler handler(DynamoDbClient dynamo, String ledger) {
        Policy policy = Fixtures.policyWithoutHoldout();
        return new ConversionHandler(new ConversionConsumer(policy, new ConversionTracking(policy.attribution().window(),
                new DynamoDecisionLog(dynamo, ledger), new DynamoConversionLog(dynamo, ledger),
                new DynamoSendLedger(dynamo, ledger), new DynamoRewardStats(dynamo, ledger))), ConversionMetrics.none());
    }

    private static Decision decide(Policy policy, DynamoDbClient dynamo, String ledger, String state,
                                   ScenarioStrategy strategy, String userId, String registeredAt) {
        UserState user = UserState.newUser(userId);
        user.registeredAt = Instant.parse(registeredAt); // morning in Shanghai: no quiet hours
        user.profile.put("phone", "+86138000" + userId.substring(2));
        user.profile.put("locale", "en");
        new DynamoStateStore(dynamo, state).save(
                new StoredState(SubjectKey.user(userId), 1, "0", StateCodec.toBytes(user), user.tags), 0);
        ScenarioCheck check = new ScenarioCheck(policy, Map.of(SCENARIO, strategy), SegmentMembership.of(policy),
                new ScenarioCheck.Ports(new DynamoStateStore(dynamo, state), new DynamoDecisionLog(dynamo, ledger),
                        (timers, now) -> { }, new DynamoRewardStats(dynamo, ledger),
                        new dev.winback.adapters.DynamoRewardChoices(dynamo, ledger), phone -> false,
                        new dev.winback.adapters.DynamoContactHistory(dynamo, ledger),
                        new dev.winback.adapters.DynamoCouponLedger(dynamo, ledger), new DynamoSendLedger(dynamo, ledger),
                        message -> { }, (couponId, decisionId, uid, amount, kind, at) -> { },
                        dev.winback.core.recall.SuppressionList.NONE));
        Timer timer = ScenarioTimers.afterRegister(strategy, user);
        return check.check(timer, timer.dueAt()).orElseThrow();
    }
}
