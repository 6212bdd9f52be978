package dev.winback.core.scenario;

import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.QuietHours;
import dev.winback.core.recall.Reachability;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.recall.Timer;
import dev.winback.core.state.UserState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * C4/C6: the way every scheduled message goes out, once its trigger found the user eligible (a
 * scenario's timer, a journey's step). One pipeline, so that a scenario and a journey step cannot
 * drift apart in how they respect the user:
 *
 * <ol>
 *   <li>The due time falls in the user's quiet hours → the timer is armed again for their end (a
 *       scheduled message waits, SPEC C6); nothing is recorded yet.</li>
 *   <li>With candidate rewards, the bandit picks one ({@link RewardBandit}, seeded from the decision id).</li>
 *   <li>The operators' suppression list → {@code suppressed}, reason {@code suppression_list}. Checked
 *       before the holdout draw, so listed users are in neither the treated nor the control group.</li>
 *   <li>The plan's holdout → {@code suppressed}, reason {@code holdout}, with the reward the user would
 *       have had (for per-reward uplift) and no send counted.</li>
 *   <li>The final filter as {@link Recaller} applies it: consent and opt-outs on the plan's channels,
 *       frequency caps across all triggers, the coupon budget for money rewards.</li>
 *   <li>The choice is pinned ({@link RewardChoices}), the reward granted (a coupon through the ledger
 *       within the day's budget, then the wallet notice), one message goes out, and the send is counted
 *       for the bandit — each at most once per decision, whatever retries happen.</li>
 * </ol>
 *
 * The decision is the timer's: its id, its page as the trigger, its due time.
 */
final class MessagePipeline {

    private final Policy policy;
    private final ScenarioCheck.Ports ports;
    private final Delivery delivery;

    MessagePipeline(Policy policy, ScenarioCheck.Ports ports) {
        this.policy = policy;
        this.ports = ports;
        this.delivery = new Delivery(ports.sends(), ports.notifier());
    }

    /**
     * @param details the trigger's own figures; the pipeline adds {@code reward}, {@code posterior} and
     *                {@code rewardId}
     * @return the decision, recorded; empty when the message was deferred past quiet hours
     * @throws Recaller.RetryLaterException when no channel or the wallet refused: a retry resumes
     */
    Optional<Decision> decide(Timer timer, UserState user, MessagePlan plan, Map<String, Object> details, Instant now) {
        Instant at = timer.dueAt();
        String timeZone = user.profileText("timezone");
        if (QuietHours.isQuiet(at, timeZone, policy)) {
            ports.timers().schedule(List.of(new Timer(timer.userId(), timer.page(), timer.enteredAt(),
                    QuietHours.endOf(at, timeZone, policy))), now);
            return Optional.empty();
        }
        List<String> reasons = plan.reasons();
        RewardBandit.Choice choice = plan.rewards().isEmpty() ? null
                : RewardBandit.choose(plan.rewards(), ports.stats().counts(plan.statsKey()), plan.explorationFloor(),
                        RewardBandit.seededFrom(timer.id()));
        putChoice(details, choice); // what a user filtered out would have had
        if (ports.suppression().isSuppressed(user.userId)) {
            return suppressed(timer, reasons, details, SuppressionList.REASON);
        }
        Reachability.Routes routes = ScenarioRoutes.of(ContactCard.of(user), plan.channels(), ports.optOuts());
        if (routes.routes().isEmpty()) {
            return suppressed(timer, reasons, details, routes.optedOut() ? "opted_out" : "no_channel");
        }
        Policy.FrequencyCaps caps = policy.messaging().frequencyCaps();
        if (!ports.contacts().reserve(user.userId, timer.id(), at, caps.perDay(), caps.perWeek())) {
            return suppressed(timer, reasons, details, "frequency_cap");
        }
        // The control group is drawn among users who would get the message (every filter passed), and a
        // held-out decision keeps the cap slot the message would have taken (a "ghost" contact): the
        // control group's decisions are then spaced like the treated group's, so uplift compares like
        // with like.
        if (Holdout.isHeldOut(user.userId, plan.holdoutGroup(), plan.holdout())) {
            return suppressed(timer, reasons, details, "holdout");
        }
        ScenarioReward reward = null;
        Granted granted = null;
        if (choice != null) {
            choice = ports.choices().pin(timer.id(), choice); // from here on every attempt grants the same reward
            putChoice(details, choice);
            reward = choice.reward();
            granted = grant(timer, user, reward, at, now);
            if (granted == null) {
                ports.contacts().unreserve(user.userId, timer.id());
                return suppressed(timer, reasons, details, "budget");
            }
            details.put("rewardId", granted.rewardId());
        }
        String text = ScenarioMessages.render(plan.messages(), user.profileText("locale"), reward);
        // The ad_audience channel adds the user to the audience of the trigger that chose them.
        String channel = delivery.deliver(new Notifier.Message(timer.id(), user.userId, null, null, text,
                Map.of(ScenarioRoutes.AUDIENCE_ATTRIBUTE, timer.page())), routes.routes());
        if (channel == null) {
            throw new Recaller.RetryLaterException("every channel refused decision " + timer.id(), null);
        }
        if (reward != null && ports.sends().claim(timer.id(), ScenarioCheck.SEND_COUNTED)) {
            try {
                ports.stats().recordSend(plan.statsKey(), reward.key());
            } catch (RuntimeException e) {
                ports.sends().release(timer.id(), ScenarioCheck.SEND_COUNTED);
                throw e;
            }
        }
        Decision.Reward coupon = granted == null || granted.amount() == null ? null
                : new Decision.Reward(granted.amount(), reward.kind().wireName());
        return Optional.of(record(decision(timer, Outcome.SENT, reasons, coupon, List.of(channel), details)));
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
        // At least once: the wallet dedupes by reward id, and a lost notice would be a lost reward.
        if (!ports.sends().published(timer.id(), ScenarioCheck.WALLET)) {
            try {
                ports.wallet().publish(rewardId, timer.id(), user.userId, amount, reward.kind().wireName(), now);
            } catch (RuntimeException e) {
                throw new Recaller.RetryLaterException("the wallet topic refused reward " + rewardId, e);
            }
            ports.sends().markPublished(timer.id(), ScenarioCheck.WALLET);
        }
        return new Granted(rewardId, amount);
    }

    private static void putChoice(Map<String, Object> details, RewardBandit.Choice choice) {
        if (choice != null) {
            details.put("reward", choice.rewardDetails());
            details.put("posterior", choice.posteriorDetails());
        }
    }

    private Optional<Decision> suppressed(Timer timer, List<String> reasons, Map<String, Object> details, String reason) {
        List<String> all = new ArrayList<>(reasons);
        all.add(reason);
        return Optional.of(record(decision(timer, Outcome.SUPPRESSED, all, null, List.of(), details)));
    }

    /** A decision for this timer: its id, its page as the trigger, stamped with its due time. */
    static Decision decision(Timer timer, Outcome outcome, List<String> reasons, Decision.Reward coupon,
                             List<String> channels, Map<String, Object> details) {
        return new Decision(timer.id(), timer.userId(), timer.page(), timer.dueAt(), outcome, List.copyOf(reasons),
                coupon, channels, details);
    }

    /** Keeps the decision in the log (idempotent per id) and returns it. */
    Decision record(Decision decision) {
        ports.decisions().record(decision);
        return decision;
    }
}
