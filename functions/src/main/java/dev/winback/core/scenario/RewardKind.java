package dev.winback.core.scenario;

import java.util.Arrays;
import java.util.Locale;

/** C3: what a scenario can give the user. Written in the policy and the decision log by {@link #wireName()}. */
public enum RewardKind {
    /** Money off an order; has an amount, counts against the coupon budget. */
    COUPON(true),
    /** Money credited to the user's balance; has an amount, counts against the coupon budget. */
    BONUS_MONEY(true),
    /** A membership / benefit card; an amount (its face value) is optional. */
    BENEFIT_CARD(false),
    /** Delivery fee waived on the next order; no amount. */
    FREE_DELIVERY(false);

    private final boolean needsAmount;

    RewardKind(boolean needsAmount) {
        this.needsAmount = needsAmount;
    }

    public boolean needsAmount() {
        return needsAmount;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed kinds */
    public static RewardKind fromWire(String name) {
        for (RewardKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("reward kind must be one of "
                + Arrays.stream(values()).map(RewardKind::wireName).toList() + ", got '" + name + "'");
    }
}
