package dev.winback.core.scenario;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.QuietHours;
import dev.winback.core.recall.Reachability;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
 *   <li>The user left the scenario's segment (for {@code new_no_order}: ordered) → {@code not_needed},
 *       reason {@code exited}.</li>
 *   <li>The due time falls in the user's quiet hours → the timer is armed again for their end (a
 *       scheduled message waits, SPEC C6); nothing is recorded yet.</li>
 *   <li>The bandit picks the reward ({@link RewardBandit}, seeded from the decision id).</li>
 *   <li>The scenario's holdout → {@code suppressed}, reason {@code holdout}, with the reward the user
 *       would have had (for per-reward uplift) and no send counted.</li>
 *   <li>The final filter as {@link Recaller} applies it: consent and opt-outs on the strategy's channels,
 *       frequency caps across all triggers, the coupon budget for money rewards.</li>
 *   <li>The choice is pinned ({@link RewardChoices}), the reward granted (a coupon through the ledger
 *       within the day's budget, then the wallet notice), one message goes out, and the send is counted
 *       for the bandit — each at most once per decision, whatever retries happen.</li>
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

    /** Everything a scenario decision reads and affects. */
    public record Ports(StateStore states, DecisionLog decisions, TimerScheduler timers, RewardStats stats,
                        RewardChoices choices, OptOutList optOuts, ContactHistory contacts, CouponLedger coupons,
                        SendLedger sends, Notifier notifier, CouponPublisher wallet) {
    }

    private final Policy policy;
    private final Map<String, ScenarioStrategy> strategies;
    private final SegmentMembership membership;
    private final Ports ports;
    private final Delivery delivery;

    public ScenarioCheck(Policy policy, Map<String, ScenarioStrategy> strategies, SegmentMembership membership,
                         Ports ports) {
        this.policy = policy;
        this.strategies = Map.copyOf(strategies);
        this.membership = membership;
        this.ports = ports;
        this.delivery = new Delivery(ports.sends(), ports.notifier());
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
        UserState user = StateCodec.fromBytes(stored.body(), UserState.class);
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
            return record(decision(timer, Outcome.NOT_NEEDED, List.of("scenario_removed"), null, List.of(), details));
        }
        details.put("strategy", strategy.label());
        Instant at = timer.dueAt();
        if (!membership.isMember(user, strategy.segment(), at)) {
            details.put("exit", user.orders > 0 ? "ordered" : "left_segment");
            return record(decision(timer, Outcome.NOT_NEEDED, List.of("exited"), null, List.of(), details));
        }
        String timeZone = user.profileText("timezone");
        if (QuietHours.isQuiet(at, timeZone, policy)) {
            ports.timers().schedule(List.of(new Timer(timer.userId(), timer.page(), timer.enteredAt(),
                    QuietHours.endOf(at, timeZone, policy))), now);
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>(List.of(strategy.segment()));
        RewardBandit.Choice choice = RewardBandit.choose(strategy.rewards(), ports.stats().counts(name),
                strategy.explorationFloor(), RewardBandit.seededFrom(timer.id()));
        if (Holdout.isHeldOut(user.userId, strategy.trigger(), strategy.holdout())) {
            putChoice(details, choice); // what the control user would have had
            return suppressed(timer, reasons, details, "holdout");
        }
        Reachability.Routes routes = ScenarioRoutes.of(ContactCard.of(user), strategy.channels(), ports.optOuts());
        if (routes.routes().isEmpty()) {
            putChoice(details, choice);
            return suppressed(timer, reasons, details, routes.optedOut() ? "opted_out" : "no_channel");
        }
        Policy.FrequencyCaps caps = policy.messaging().frequencyCaps();
        if (!ports.contacts().reserve(user.userId, timer.id(), at, caps.perDay(), caps.perWeek())) {
            putChoice(details, choice);
            return suppressed(timer, reasons, details, "frequency_cap");
        }
        choice = ports.choices().pin(timer.id(), choice); // from here on every attempt grants the same reward
        putChoice(details, choice);
        ScenarioReward reward = choice.reward();
        Granted granted = grant(timer, user, reward, at, now);
        if (granted == null) {
            ports.contacts().unreserve(user.userId, timer.id());
            return suppressed(timer, reasons, details, "budget");
        }
        details.put("rewardId", granted.rewardId());
        String text = ScenarioMessages.render(strategy.messages(), user.profileText("locale"), reward);
        String channel = delivery.deliver(new Notifier.Message(timer.id(), user.userId, null, null, text, Map.of()),
                routes.routes());
        if (channel == null) {
            throw new Recaller.RetryLaterException("every channel refused decision " + timer.id(), null);
        }
        if (ports.sends().claim(timer.id(), SEND_COUNTED)) {
            try {
                ports.stats().recordSend(name, reward.key());
            } catch (RuntimeException e) {
                ports.sends().release(timer.id(), SEND_COUNTED);
                throw e;
            }
        }
        Decision.Reward coupon = granted.amount() == null ? null : new Decision.Reward(granted.amount(), reward.kind().wireName());
        return record(decision(timer, Outcome.SENT, reasons, coupon, List.of(channel), details));
    }

    private record Granted(String rewardId, BigDecimal amount) {
    }

    /**
     * A money reward goes through the coupon ledger (one per decision, within the day's coupon budget,
     * shared with in-session recalls); one without an amount needs no budget. Either way the wallet is
     * told once. Null when the budget cannot cover the amount.
     */
    private Granted grant(Timer timer, UserState user, ScenarioReward reward, Instant at, Instant now) {
        String rewardId;
        BigDecimal amount = reward.amount();
        if (amount != null) {
            LocalDate day = LocalDate.ofInstant(at, policy.timeZone());
            CouponLedger.Issue issue = ports.coupons().issue(timer.id(), user.userId, amount, day,
                    policy.recall().coupon().dailyBudget());
            if (!(issue instanceof CouponLedger.Issue.Issued issued)) {
                return null;
            }
            rewardId = issued.couponId();
            amount = issued.amount();
        } else {
            rewardId = "rw-" + timer.id();
        }
        if (ports.sends().claim(timer.id(), WALLET)) {
            try {
                ports.wallet().publish(rewardId, timer.id(), user.userId, amount, reward.kind().wireName(), now);
            } catch (RuntimeException e) {
                ports.sends().release(timer.id(), WALLET);
                throw new Recaller.RetryLaterException("the wallet topic refused reward " + rewardId, e);
            }
        }
        return new Granted(rewardId, amount);
    }

    private static void putChoice(Map<String, Object> details, RewardBandit.Choice choice) {
        details.put("reward", choice.rewardDetails());
        details.put("posterior", choice.posteriorDetails());
    }

    private Optional<Decision> suppressed(Timer timer, List<String> reasons, Map<String, Object> details, String reason) {
        List<String> all = new ArrayList<>(reasons);
        all.add(reason);
        return record(decision(timer, Outcome.SUPPRESSED, all, null, List.of(), details));
    }

    private static Decision decision(Timer timer, Outcome outcome, List<String> reasons, Decision.Reward coupon,
                                     List<String> channels, Map<String, Object> details) {
        return new Decision(timer.id(), timer.userId(), timer.page(), timer.dueAt(), outcome, List.copyOf(reasons),
                coupon, channels, details);
    }

    private Optional<Decision> record(Decision decision) {
        ports.decisions().record(decision);
        return Optional.of(decision);
    }
}
