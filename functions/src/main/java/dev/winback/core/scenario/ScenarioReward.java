package dev.winback.core.scenario;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One candidate reward of a scenario: a kind and, for money rewards, an amount in currency units.
 * Its {@link #key()} names it everywhere the reward must be recognised again: the learning counters,
 * the decision's {@code details.reward.id} and the conversion reports.
 *
 * @param amount null for rewards without a face value (free delivery, a benefit card without one)
 */
public record ScenarioReward(RewardKind kind, BigDecimal amount) {

    public ScenarioReward {
        Objects.requireNonNull(kind, "kind");
        if (amount != null) {
            if (amount.signum() <= 0) {
                throw new IllegalArgumentException(kind.wireName() + " amount must be positive, got " + amount);
            }
            amount = money(amount);
        } else if (kind.needsAmount()) {
            throw new IllegalArgumentException(kind.wireName() + " needs an amount");
        }
    }

    public static ScenarioReward of(String kind, BigDecimal amount) {
        return new ScenarioReward(RewardKind.fromWire(kind), amount);
    }

    /** {@code coupon:5.00}, {@code free_delivery}: stable whatever way the amount was written (5, 5.0, 5.00). */
    public String key() {
        return amount == null ? kind.wireName() : kind.wireName() + ":" + amount.toPlainString();
    }

    /** The inverse of {@link #key()}. */
    public static ScenarioReward fromKey(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? of(key, null) : of(key.substring(0, colon), new BigDecimal(key.substring(colon + 1)));
    }

    /** At least two decimals, never rounded: 5 → 5.00, 5.5 → 5.50, 5.125 stays. */
    static BigDecimal money(BigDecimal amount) {
        BigDecimal plain = amount.stripTrailingZeros();
        return plain.scale() < 2 ? plain.setScale(2) : plain;
    }
}
