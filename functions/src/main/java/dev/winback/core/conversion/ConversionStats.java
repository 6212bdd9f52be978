package dev.winback.core.conversion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * C7: conversion figures per trigger, scenario, strategy, reward and channel.
 *
 * <p>For one value of a dimension (e.g. trigger {@code deadline}), over the touches having that value:
 * <ul>
 *   <li>{@code sends}: real touches (decisions that sent a message);</li>
 *   <li>{@code conversions}: those of them with at least one attributed order (distinct decisions);</li>
 *   <li>{@code conversionRate} = conversions / sends;</li>
 *   <li>{@code orders}, {@code revenue}: the attributed orders and the sum of their amounts;</li>
 *   <li>{@code cost}: the discounts actually redeemed on those orders (the {@code discount} of each
 *       attributed order — coupons issued but never used cost nothing; {@code issued} shows their face
 *       value separately);</li>
 *   <li>{@code roi} = (revenue − cost) / cost, null ("n/a") when the cost is zero;</li>
 *   <li>{@code holdout}, {@code holdoutConversions}, {@code holdoutRate}: the same counts for the holdout
 *       touches (eligible users who were held back);</li>
 *   <li>{@code uplift} = conversionRate − holdoutRate with its 95 % interval
 *       ({@link Proportions#difference}, Newcombe's hybrid score method); null when either group is
 *       empty.</li>
 * </ul>
 * The holdout is drawn per trigger, so uplift is meaningful per trigger (and per scenario). Holdout
 * touches carry no channel (nothing was sent), so per channel there is no uplift; per reward only
 * where the decision recorded the reward the user would have had.
 */
public final class ConversionStats {

    private ConversionStats() {
    }

    /** The ways figures are broken down. */
    public enum Dimension {
        TRIGGER(Touch::trigger), SCENARIO(Touch::scenario), STRATEGY(Touch::strategy), REWARD(Touch::reward),
        CHANNEL(Touch::channel);

        private final Function<Touch, String> value;

        Dimension(Function<Touch, String> value) {
            this.value = value;
        }

        public String wireName() {
            return name().toLowerCase();
        }

        /** The touch's value in this dimension; null: the touch has none and is not counted here. */
        public String of(Touch touch) {
            return value.apply(touch);
        }
    }

    /** The figures for one value of a dimension. */
    public record Row(Dimension dimension, String value, long sends, long conversions, Double conversionRate,
                      long orders, BigDecimal revenue, BigDecimal cost, BigDecimal roi, BigDecimal issued,
                      long holdout, long holdoutConversions, Double holdoutRate, Proportions.Interval uplift) {
    }

    /** One row per value of {@code dimension} among the touches, sorted by value. */
    public static List<Row> by(Dimension dimension, Collection<Touch> touches, Collection<Conversion> conversions) {
        Map<String, List<Touch>> touchesByValue = new TreeMap<>();
        for (Touch touch : touches) {
            String value = dimension.of(touch);
            if (value != null) {
                touchesByValue.computeIfAbsent(value, k -> new ArrayList<>()).add(touch);
            }
        }
        Map<String, List<Conversion>> conversionsByValue = new TreeMap<>();
        for (Conversion conversion : conversions) {
            String value = dimension.of(conversion.touch());
            if (value != null) {
                conversionsByValue.computeIfAbsent(value, k -> new ArrayList<>()).add(conversion);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Touch>> entry : touchesByValue.entrySet()) {
            rows.add(row(dimension, entry.getKey(), entry.getValue(), conversionsByValue.getOrDefault(entry.getKey(), List.of())));
        }
        return rows;
    }

    /**
     * Figures over everything (dimension null, value {@code all}). No uplift: holdouts are drawn per
     * trigger, so pooling triggers with different mixes of treated and held-out decisions could show
     * an effect no trigger has (Simpson's paradox); read uplift per trigger.
     */
    public static Row total(Collection<Touch> touches, Collection<Conversion> conversions) {
        Row all = row(null, "all", touches, conversions);
        return new Row(null, all.value(), all.sends(), all.conversions(), all.conversionRate(), all.orders(), all.revenue(),
                all.cost(), all.roi(), all.issued(), all.holdout(), all.holdoutConversions(), all.holdoutRate(), null);
    }

    /** Whether any touch has a value in this dimension (a report leaves out empty breakdowns). */
    public static boolean present(Dimension dimension, Collection<Touch> touches) {
        return touches.stream().anyMatch(t -> dimension.of(t) != null);
    }

    static Row row(Dimension dimension, String value, Collection<Touch> touches, Collection<Conversion> conversions) {
        Set<String> treated = new HashSet<>();
        Set<String> held = new HashSet<>();
        BigDecimal issued = BigDecimal.ZERO;
        for (Touch touch : touches) {
            if (touch.group() == Touch.Group.TREATED) {
                if (treated.add(touch.decisionId()) && touch.couponAmount() != null) {
                    issued = issued.add(touch.couponAmount());
                }
            } else {
                held.add(touch.decisionId());
            }
        }
        Set<String> converted = new HashSet<>();
        Set<String> heldConverted = new HashSet<>();
        long orders = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        for (Conversion conversion : conversions) {
            String id = conversion.touch().decisionId();
            if (conversion.touch().group() == Touch.Group.TREATED) {
                if (!treated.contains(id)) {
                    continue; // an order for a touch outside this set
                }
                converted.add(id);
                orders++;
                revenue = revenue.add(conversion.order().amount());
                cost = cost.add(conversion.order().discount());
            } else if (held.contains(id)) {
                heldConverted.add(id);
            }
        }
        Double rate = rate(converted.size(), treated.size());
        Double heldRate = rate(heldConverted.size(), held.size());
        Proportions.Interval uplift = treated.isEmpty() || held.isEmpty() ? null
                : Proportions.difference(converted.size(), treated.size(), heldConverted.size(), held.size(), Proportions.Z95);
        return new Row(dimension, value, treated.size(), converted.size(), rate, orders, revenue, cost, roi(revenue, cost),
                issued, held.size(), heldConverted.size(), heldRate, uplift);
    }

    /** (revenue − cost) / cost to four decimals; null when nothing was spent. */
    public static BigDecimal roi(BigDecimal revenue, BigDecimal cost) {
        if (cost.signum() == 0) {
            return null;
        }
        return revenue.subtract(cost).divide(cost, 4, RoundingMode.HALF_UP);
    }

    private static Double rate(long successes, long n) {
        return n == 0 ? null : (double) successes / n;
    }
}
