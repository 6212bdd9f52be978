package dev.winback.core.scenario;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.state.UserState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * C3/C4/C6: a fired scenario timer ({@code scenario:<name>}, armed at registration).
 *
 * <ol>
 *   <li>A timer whose start no longer matches the user's registration is stale: a silent no-op. A
 *       redelivered timer finds its decision and repeats nothing.</li>
 *   <li>A scenario no longer in the policy → {@code not_needed}, reason {@code scenario_removed}.</li>
 *   <li>The user left the scenario's segment (for {@code new_no_order}: ordered) → {@code not_needed},
 *       reason {@code exited}.</li>
 *   <li>Otherwise the message takes the path every scheduled message takes ({@link MessagePipeline}):
 *       quiet hours wait, the bandit's reward, suppression list, holdout, consent, caps, budget, and
 *       the grant, send and count, each once.</li>
 * </ol>
 *
 * The decision: trigger {@code scenario:<name>}, stamped with the timer's due time, details
 * {@code scenario}, {@code strategy}, {@code reward}, {@code posterior}.
 */
public final class ScenarioCheck {

    /** The send-ledger claim that makes a decision's send count once. */
    public static final String SEND_COUNTED = "stats:send";
    /** The claim that makes a decision's conversion count once ({@link ScenarioConversions}). */
    public static final String CONVERSION_COUNTED = "stats:conversion";
    static final String WALLET = "wallet";

    /**
     * Everything a scheduled decision (a scenario, a journey step) reads and affects.
     *
     * @param timers      where a message due in quiet hours is armed again, and a journey's next step
     * @param suppression the operators' list of users never to market to (C6)
     */
    public record Ports(StateStore states, DecisionLog decisions, TimerScheduler timers, RewardStats stats,
                        RewardChoices choices, OptOutList optOuts, ContactHistory contacts, CouponLedger coupons,
                        SendLedger sends, Notifier notifier, CouponPublisher wallet, SuppressionList suppression) {
    }

    private final Map<String, ScenarioStrategy> strategies;
    private final SegmentMembership membership;
    private final Ports ports;
    private final MessagePipeline pipeline;

    public ScenarioCheck(Policy policy, Map<String, ScenarioStrategy> strategies, SegmentMembership membership,
                         Ports ports) {
        this.strategies = Map.copyOf(strategies);
        this.membership = membership;
        this.ports = ports;
        this.pipeline = new MessagePipeline(policy, ports);
    }

    /** With the policy's scenarios and the built-in segment rules. */
    public ScenarioCheck(Policy policy, Ports ports) {
        this(policy, ScenarioStrategy.allOf(policy), SegmentMembership.of(policy), ports);
    }

    /**
     * @return the decision; empty when the timer is stale or was deferred past quiet hours
     * @throws Recaller.RetryLaterException when no channel or the wallet refused: a retry resumes
     */
    public Optional<Decision> check(Timer timer, Instant now) {
        String name = ScenarioTimers.scenarioOf(timer);
        String userKey = SubjectKey.user(timer.userId());
        StoredState stored = ports.states().load(List.of(userKey)).get(userKey);
        if (stored == null) {
            return Optional.empty();
        }
        UserState user = stored.state(UserState.class);
        if (!timer.enteredAt().equals(user.registeredAt)) {
            return Optional.empty(); // an earlier registration turned up: that one's timer decides
        }
        Optional<Decision> earlier = ports.decisions().find(user.userId, timer.dueAt(), timer.id());
        if (earlier.isPresent()) {
            return earlier;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scenario", name);
        details.put("registeredAt", timer.enteredAt().toString());
        details.put("decidedAt", now.toString());
        ScenarioStrategy strategy = strategies.get(name);
        if (strategy == null) {
            return Optional.of(pipeline.record(MessagePipeline.decision(timer, Outcome.NOT_NEEDED,
                    List.of("scenario_removed"), null, List.of(), details)));
        }
        details.put("strategy", strategy.label());
        if (!membership.isMember(user, strategy.segment(), timer.dueAt())) {
            details.put("exit", user.orders > 0 ? "ordered" : "left_segment");
            return Optional.of(pipeline.record(MessagePipeline.decision(timer, Outcome.NOT_NEEDED, List.of("exited"),
                    null, List.of(), details)));
        }
        return pipeline.decide(timer, user, strategy.plan(), details, now);
    }
}
