package dev.winback.local.cost;

import dev.winback.core.policy.Policy;
import dev.winback.core.recall.CouponRule;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.scenario.Journey;
import dev.winback.core.scenario.ScenarioStrategy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calls a decision made on the ports behind it (state store, decision log, ledgers, channels),
 * derived from the decision alone: which trigger decided, and where the final filter stopped it (its
 * last reason) or which channel carried it. This is the table the cost model prices the messaging
 * path with; {@code DecisionCallsTest} runs the real checks on counting decorators over the in-memory
 * ledgers and compares every decision with it, so the table cannot drift from the code.
 *
 * <p>The paths it encodes (every step in order; a decision stops where its last reason says):
 *
 * <table>
 *   <caption>calls per decision, by trigger</caption>
 *   <tr><th>trigger</th><th>calls</th></tr>
 *   <tr><td>deadline / churn (DeadlineCheck, Recaller)</td><td>state load (user), decision find, ops load
 *       (zone and merchant, at most one request) → not needed or resource gate: record; else suppression
 *       check → quiet hours, opted out, no channel: record → cap reserve (refused: record) → holdout:
 *       record → coupon issue (twice when the first finds less budget left than the amount but still the
 *       minimum) → budget: unreserve, record → wallet check, publish, mark → send claim, send → record</td></tr>
 *   <tr><td>scenario (ScenarioCheck, MessagePipeline)</td><td>state load, decision find → removed or
 *       exited: record; [rewards: stats query] → suppression check … → cap reserve → holdout → [rewards:
 *       pin; money: coupon issue → budget: unreserve, record; wallet check, publish, mark] → send claim,
 *       send → [rewards: send-count claim, stats add] → record</td></tr>
 *   <tr><td>journey step (JourneyCheck)</td><td>as a scenario (removed journey or exit: record), then
 *       the next step's timer when there is one, and a state save</td></tr>
 *   <tr><td>dormant (DormantReminders)</td><td>decision find, suppression check → opted out, no channel:
 *       record → cap reserve → holdout → mailbox read, send claim, send → record</td></tr>
 * </table>
 *
 * A scheduled message or reminder first due in the user's quiet hours was tried once before: state
 * load (not for a shard's reminder), decision find (and suppression check for a reminder), and the
 * timer or deferral armed — those calls are added ({@link #deferredFirstAttempt}).
 */
public final class DecisionCalls {

    /** One call on a port, as the ports name them. */
    public enum Call {
        STATE_LOAD_USER, OPS_LOAD, STATE_SAVE,
        DECISION_FIND, DECISION_RECORD,
        SUPPRESSION_CHECK,
        RESERVE_GRANTED, RESERVE_REFUSED, UNRESERVE,
        STATS_QUERY, REWARD_PIN, STATS_SEND_CLAIM, STATS_ADD_SEND,
        COUPON_ISSUE, WALLET_CHECK, WALLET_PUBLISH, WALLET_MARK,
        SEND_CLAIM,
        NOTIFY_PUSH, NOTIFY_SMS, NOTIFY_EMAIL, NOTIFY_WECOM, NOTIFY_WECHAT, NOTIFY_CALL, NOTIFY_INBOX, NOTIFY_AD_AUDIENCE,
        TIMER_ARM, REMINDER_DEFER, MAILBOX_READ;

        /** The send call for a channel name as decisions record it. */
        public static Call notify(String channel) {
            return switch (channel) {
                case "push" -> NOTIFY_PUSH;
                case "sms" -> NOTIFY_SMS;
                case "email" -> NOTIFY_EMAIL;
                case "wecom" -> NOTIFY_WECOM;
                case "wechat" -> NOTIFY_WECHAT;
                case "call" -> NOTIFY_CALL;
                case "inbox" -> NOTIFY_INBOX;
                case "ad_audience" -> NOTIFY_AD_AUDIENCE;
                default -> throw new IllegalArgumentException("no send call for channel '" + channel + "'");
            };
        }
    }

    /** Which check decided. */
    public enum Kind {
        DEADLINE, SCENARIO, JOURNEY, DORMANT;

        public static Kind of(Decision decision) {
            String trigger = decision.trigger();
            if (trigger.startsWith(ScenarioStrategy.TRIGGER_PREFIX)) {
                return SCENARIO;
            }
            if (trigger.startsWith(Journey.TRIGGER_PREFIX)) {
                return JOURNEY;
            }
            return "dormant".equals(trigger) ? DORMANT : DEADLINE;
        }
    }

    /** Reasons the resource gate adds (A7): the check stops before the final filter. */
    private static final Set<String> GATE = Set.of("delivery_pressure", "merchant_supply");
    private static final Set<String> UNREACHABLE = Set.of("opted_out", "no_channel");

    private final Policy policy;
    private final Map<String, ScenarioStrategy> scenarios;
    private final Map<String, Journey> journeys;

    public DecisionCalls(Policy policy) {
        this.policy = policy;
        this.scenarios = ScenarioStrategy.allOf(policy);
        this.journeys = Journey.allOf(policy);
    }

    /** Call counts; absent calls are 0. */
    public static final class Counts {
        private final EnumMap<Call, Integer> counts = new EnumMap<>(Call.class);

        public Counts add(Call call) {
            return add(call, 1);
        }

        public Counts add(Call call, int times) {
            if (times != 0) {
                counts.merge(call, times, Integer::sum);
            }
            return this;
        }

        public Counts addAll(Counts other) {
            other.counts.forEach(this::add);
            return this;
        }

        public int get(Call call) {
            return counts.getOrDefault(call, 0);
        }

        public Map<Call, Integer> asMap() {
            return new EnumMap<>(counts);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Counts c && c.counts.equals(counts);
        }

        @Override
        public int hashCode() {
            return counts.hashCode();
        }

        @Override
        public String toString() {
            return counts.toString();
        }
    }

    /** Every call the decision made, including those of an earlier attempt deferred past quiet hours. */
    public Counts of(Decision decision) {
        Counts calls = switch (Kind.of(decision)) {
            case DEADLINE -> deadline(decision);
            case SCENARIO -> scheduled(decision, false);
            case JOURNEY -> scheduled(decision, true);
            case DORMANT -> dormant(decision);
        };
        if (wasDeferred(decision)) {
            calls.addAll(deferredFirstAttempt(Kind.of(decision)));
        }
        return calls;
    }

    /** The calls of an attempt that found the message due in quiet hours and armed it for their end. */
    public static Counts deferredFirstAttempt(Kind kind) {
        Counts calls = new Counts();
        if (kind == Kind.DORMANT) {
            // the shard's attempt (its cohort query is counted per run), then the deferred delivery loads the user
            return calls.add(Call.DECISION_FIND).add(Call.SUPPRESSION_CHECK).add(Call.REMINDER_DEFER)
                    .add(Call.STATE_LOAD_USER);
        }
        return calls.add(Call.STATE_LOAD_USER).add(Call.DECISION_FIND).add(Call.TIMER_ARM);
    }

    /** A fired timer that is no longer the user's current one: the check reads the user and stops. */
    public static Counts stale() {
        return new Counts().add(Call.STATE_LOAD_USER);
    }

    /**
     * Was the decision's message first due in quiet hours? A scheduled message is then stamped with the
     * end of the quiet hours instead of its own due time; a reminder is decided later than its run.
     */
    public boolean wasDeferred(Decision decision) {
        Map<String, Object> details = decision.details() == null ? Map.of() : decision.details();
        switch (Kind.of(decision)) {
            case SCENARIO -> {
                ScenarioStrategy strategy = scenarios.get(String.valueOf(details.get("scenario")));
                Object registered = details.get("registeredAt");
                return strategy != null && registered != null
                        && !Instant.parse(registered.toString()).plus(strategy.delay()).equals(decision.at());
            }
            case JOURNEY -> {
                Journey journey = journeys.get(String.valueOf(details.get("journey")));
                Object started = details.get("startedAt");
                if (journey == null || started == null) {
                    return false;
                }
                return journey.step(String.valueOf(details.get("step")))
                        .map(step -> !Instant.parse(started.toString()).plus(step.sinceStart()).equals(decision.at()))
                        .orElse(false);
            }
            case DORMANT -> {
                Object decided = details.get("decidedAt");
                return decided != null
                        && Duration.between(decision.at(), Instant.parse(decided.toString())).toMinutes() >= 1;
            }
            default -> {
                return false;
            }
        }
    }

    private Counts deadline(Decision decision) {
        Counts calls = new Counts().add(Call.STATE_LOAD_USER).add(Call.DECISION_FIND).add(Call.OPS_LOAD);
        String stop = stop(decision);
        if (decision.outcome() == Decision.Outcome.NOT_NEEDED || GATE.contains(stop)) {
            return calls.add(Call.DECISION_RECORD);
        }
        calls.add(Call.SUPPRESSION_CHECK);
        if (SuppressionList.REASON.equals(stop) || "quiet_hours".equals(stop) || UNREACHABLE.contains(stop)) {
            return calls.add(Call.DECISION_RECORD);
        }
        if (reserve(calls, stop) || "holdout".equals(stop)) {
            return calls.add(Call.DECISION_RECORD);
        }
        if ("budget".equals(stop)) {
            return calls.add(Call.COUPON_ISSUE).add(Call.UNRESERVE).add(Call.DECISION_RECORD);
        }
        calls.add(Call.COUPON_ISSUE, secondIssue(decision) ? 2 : 1);
        wallet(calls);
        return send(calls, decision).add(Call.DECISION_RECORD);
    }

    private Counts scheduled(Decision decision, boolean journey) {
        Counts calls = new Counts().add(Call.STATE_LOAD_USER).add(Call.DECISION_FIND);
        if (decision.outcome() == Decision.Outcome.NOT_NEEDED) {
            calls.add(Call.DECISION_RECORD);
            return journey ? afterStep(calls, decision) : calls;
        }
        String stop = stop(decision);
        Map<?, ?> reward = decision.details() != null && decision.details().get("reward") instanceof Map<?, ?> map
                ? map : null;
        if (reward != null) {
            calls.add(Call.STATS_QUERY);
        }
        calls.add(Call.SUPPRESSION_CHECK);
        if (SuppressionList.REASON.equals(stop) || UNREACHABLE.contains(stop) || reserve(calls, stop)
                || "holdout".equals(stop)) {
            calls.add(Call.DECISION_RECORD);
            return journey ? afterStep(calls, decision) : calls;
        }
        if (reward != null) {
            calls.add(Call.REWARD_PIN);
            if (reward.get("amount") != null) {
                calls.add(Call.COUPON_ISSUE);
                if ("budget".equals(stop)) {
                    calls.add(Call.UNRESERVE).add(Call.DECISION_RECORD);
                    return journey ? afterStep(calls, decision) : calls;
                }
            }
            wallet(calls);
        }
        send(calls, decision);
        if (reward != null) {
            calls.add(Call.STATS_SEND_CLAIM).add(Call.STATS_ADD_SEND);
        }
        calls.add(Call.DECISION_RECORD);
        return journey ? afterStep(calls, decision) : calls;
    }

    /** A journey step's decision is followed by the next step's timer (if any) and the user's state saved. */
    private Counts afterStep(Counts calls, Decision decision) {
        Map<String, Object> details = decision.details();
        Journey journey = journeys.get(String.valueOf(details.get("journey")));
        boolean exited = decision.outcome() == Decision.Outcome.NOT_NEEDED && details.get("exit") != null;
        if (journey != null && !exited) {
            boolean next = journey.step(String.valueOf(details.get("step")))
                    .flatMap(step -> journey.after(step.sinceStart())).isPresent();
            calls.add(Call.TIMER_ARM, next ? 1 : 0);
        }
        return calls.add(Call.STATE_SAVE);
    }

    private Counts dormant(Decision decision) {
        Counts calls = new Counts().add(Call.DECISION_FIND).add(Call.SUPPRESSION_CHECK);
        String stop = stop(decision);
        if (SuppressionList.REASON.equals(stop) || UNREACHABLE.contains(stop) || reserve(calls, stop)
                || "holdout".equals(stop)) {
            return calls.add(Call.DECISION_RECORD);
        }
        calls.add(Call.MAILBOX_READ);
        return send(calls, decision).add(Call.DECISION_RECORD);
    }

    /** Adds the cap reservation; true when the cap refused it (the decision stops there). */
    private static boolean reserve(Counts calls, String stop) {
        if ("frequency_cap".equals(stop)) {
            calls.add(Call.RESERVE_REFUSED);
            return true;
        }
        calls.add(Call.RESERVE_GRANTED);
        return false;
    }

    private static void wallet(Counts calls) {
        calls.add(Call.WALLET_CHECK).add(Call.WALLET_PUBLISH).add(Call.WALLET_MARK);
    }

    private static Counts send(Counts calls, Decision decision) {
        List<String> channels = decision.channels() == null ? List.of() : decision.channels();
        for (String channel : channels) {
            calls.add(Call.SEND_CLAIM).add(Call.notify(channel));
        }
        return calls;
    }

    /**
     * A recall's coupon is issued again with what is left of the budget when the first attempt found
     * less than the rule's amount (but at least the minimum): the coupon then falls short of the rule.
     */
    private boolean secondIssue(Decision decision) {
        if (decision.coupon() == null || decision.details() == null || decision.details().get("cartValue") == null) {
            return false;
        }
        BigDecimal amount = CouponRule.amount(new BigDecimal(decision.details().get("cartValue").toString()),
                policy.recall().coupon());
        return decision.coupon().amount().compareTo(amount) < 0;
    }

    /** Where the decision stopped: its last reason when it was not sent ("" when sent). */
    private static String stop(Decision decision) {
        if (decision.outcome() == Decision.Outcome.SENT || decision.reasons() == null || decision.reasons().isEmpty()) {
            return "";
        }
        return decision.reasons().getLast();
    }
}
