package dev.winback.core.conversion;

import dev.winback.core.recall.Decision;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * C7: a moment Winback reached a user, or would have: the unit orders are attributed to.
 *
 * <ul>
 *   <li>A {@link Group#TREATED} touch is a decision with outcome {@code sent}.</li>
 *   <li>A {@link Group#HOLDOUT} touch is a decision suppressed with reason {@code holdout}: the user
 *       was eligible and drawn into the control group, so no message went. Its orders are attributed
 *       exactly like a real touch's, which is what makes the two groups comparable (uplift).</li>
 *   <li>Every other decision (not needed, suppressed by caps, quiet hours, consent, …) is no touch.</li>
 * </ul>
 *
 * @param at       when the touch happened: the decision's {@code details.decidedAt} when that is later
 *                 than its {@code at} (a reminder deferred past quiet hours went when it went), else
 *                 {@code at}
 * @param channel  the channel the message went on; null for a holdout touch
 * @param reward   the reward's label: {@code details.reward} when the decision names one (a string, or
 *                 the {@code name}/{@code id}/{@code label} of an object), else the coupon's kind, else
 *                 {@code none} for a sent message without a reward; null for a holdout touch that names
 *                 none (it is then left out of the per-reward figures)
 * @param scenario {@code details.scenario}, else the name in a {@code scenario:<name>} trigger, else null
 * @param strategy {@code details.strategy}, else null
 */
public record Touch(String decisionId, String userId, String trigger, Instant at, Group group, String channel,
                    BigDecimal couponAmount, String couponKind, String reward, String scenario, String strategy) {

    /** The reward label of a message that carried no reward. */
    public static final String NO_REWARD = "none";

    public enum Group {
        TREATED, HOLDOUT;

        public String wireName() {
            return name().toLowerCase();
        }

        public static Group fromWire(String name) {
            return switch (name) {
                case "treated" -> TREATED;
                case "holdout" -> HOLDOUT;
                default -> throw new IllegalArgumentException("group must be treated or holdout, got '" + name + "'");
            };
        }
    }

    public Touch {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(group, "group");
    }

    /** The touch a decision made, if it made one (see the class comment). */
    public static Optional<Touch> of(Decision d) {
        Group group;
        if (d.outcome() == Decision.Outcome.SENT) {
            group = Group.TREATED;
        } else if (d.outcome() == Decision.Outcome.SUPPRESSED && d.reasons() != null && d.reasons().contains("holdout")) {
            group = Group.HOLDOUT;
        } else {
            return Optional.empty();
        }
        Map<String, Object> details = d.details() == null ? Map.of() : d.details();
        String channel = group == Group.TREATED && d.channels() != null && !d.channels().isEmpty() ? d.channels().get(0) : null;
        String reward = label(details.get("reward"));
        if (reward == null && d.coupon() != null) {
            reward = d.coupon().kind();
        }
        if (reward == null && group == Group.TREATED) {
            reward = NO_REWARD;
        }
        String scenario = text(details.get("scenario"));
        if (scenario == null && d.trigger().startsWith("scenario:")) {
            scenario = d.trigger().substring("scenario:".length());
        }
        return Optional.of(new Touch(d.decisionId(), d.userId(), d.trigger(), touchedAt(d.at(), details.get("decidedAt")),
                group, channel, d.coupon() == null ? null : d.coupon().amount(), d.coupon() == null ? null : d.coupon().kind(),
                reward, scenario, text(details.get("strategy"))));
    }

    private static Instant touchedAt(Instant at, Object decidedAt) {
        if (decidedAt instanceof String s) {
            try {
                Instant decided = Instant.parse(s);
                return decided.isAfter(at) ? decided : at;
            } catch (DateTimeParseException ignored) {
                // not a time: the decision's own time stands
            }
        }
        return at;
    }

    private static String label(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (String key : new String[] {"name", "id", "label"}) {
                String text = text(map.get(key));
                if (text != null) {
                    return text;
                }
            }
            return null;
        }
        return text(value);
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString();
        return s.isBlank() ? null : s;
    }
}
