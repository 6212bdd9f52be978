package dev.winback.core.conversion;

import static dev.winback.core.conversion.Touches.T0;
import static dev.winback.core.conversion.Touches.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.winback.core.conversion.ConversionStats.Dimension;
import dev.winback.core.conversion.ConversionStats.Row;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C7 figures: sends, conversions, rate, revenue, cost, ROI, uplift. */
class ConversionStatsTest {

    private static Touch sent(String id, String user, String trigger, String channel, String coupon) {
        return Touch.of(Touches.sent(id, user, trigger, T0, channel, coupon)).orElseThrow();
    }

    private static Touch held(String id, String user, String trigger) {
        return Touch.of(Touches.heldOut(id, user, trigger, T0)).orElseThrow();
    }

    private static Conversion converted(Touch t, String orderId, String amount, String discount) {
        return new Conversion(t, order(orderId, t.userId(), T0.plus(Duration.ofHours(1)), amount, discount), null, null);
    }

    @Test
    void figuresPerTrigger() {
        Touch a = sent("d-a", "u-a", "deadline", "push", "5.00");
        Touch b = sent("d-b", "u-b", "deadline", "sms", "8.00");
        Touch c = sent("d-c", "u-c", "deadline", "sms", "3.00");
        Touch r = sent("d-r", "u-r", "dormant", "email", null);
        List<Conversion> conversions = List.of(
                converted(a, "o-1", "50.00", "5.00"),
                converted(a, "o-2", "30.00", null),      // a second order: one more order, not one more conversion
                converted(b, "o-3", "40.00", "0"));
        List<Row> rows = ConversionStats.by(Dimension.TRIGGER, List.of(a, b, c, r), conversions);
        assertEquals(List.of("deadline", "dormant"), rows.stream().map(Row::value).toList());
        Row deadline = rows.get(0);
        assertEquals(3, deadline.sends());
        assertEquals(2, deadline.conversions());
        assertEquals(2.0 / 3, deadline.conversionRate(), 1e-12);
        assertEquals(3, deadline.orders());
        assertEquals(new BigDecimal("120.00"), deadline.revenue());
        assertEquals(0, new BigDecimal("5.00").compareTo(deadline.cost()));
        assertEquals(new BigDecimal("23.0000"), deadline.roi()); // (120 - 5) / 5
        assertEquals(new BigDecimal("16.00"), deadline.issued());
        assertEquals(0, deadline.holdout());
        assertNull(deadline.holdoutRate());
        assertNull(deadline.uplift());
        Row dormant = rows.get(1);
        assertEquals(0.0, dormant.conversionRate());
        assertNull(dormant.roi()); // nothing redeemed: ROI is not defined
    }

    @Test
    void perChannelAndPerReward() {
        Touch a = sent("d-a", "u-a", "deadline", "push", "5.00");
        Touch b = sent("d-b", "u-b", "deadline", "sms", "8.00");
        Touch r = sent("d-r", "u-r", "dormant", "sms", null);
        Touch h = held("h-1", "u-h", "deadline");
        List<Conversion> conversions = List.of(converted(b, "o-1", "40.00", "8.00"), converted(h, "o-2", "40.00", null));
        List<Row> channels = ConversionStats.by(Dimension.CHANNEL, List.of(a, b, r, h), conversions);
        assertEquals(List.of("push", "sms"), channels.stream().map(Row::value).toList());
        assertEquals(2, channels.get(1).sends());
        assertEquals(1, channels.get(1).conversions());
        assertEquals(0, channels.get(1).holdout()); // holdout touches have no channel
        List<Row> rewards = ConversionStats.by(Dimension.REWARD, List.of(a, b, r, h), conversions);
        assertEquals(List.of("coupon", "none"), rewards.stream().map(Row::value).toList());
        assertEquals(new BigDecimal("13.00"), rewards.get(0).issued());
        assertEquals(new BigDecimal("4.0000"), rewards.get(0).roi()); // (40 - 8) / 8
    }

    @Test
    void upliftAgainstTheHoldoutWithNewcombesInterval() {
        // 56 of 70 treated decisions converted, 48 of 80 held-out ones: Newcombe's example (a).
        List<Touch> touches = new ArrayList<>();
        List<Conversion> conversions = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            Touch t = sent("d-" + i, "u-" + i, "deadline", "push", "5.00");
            touches.add(t);
            if (i < 56) {
                conversions.add(converted(t, "o-" + i, "10.00", "1.00"));
            }
        }
        for (int i = 0; i < 80; i++) {
            Touch t = held("h-" + i, "v-" + i, "deadline");
            touches.add(t);
            if (i < 48) {
                conversions.add(converted(t, "p-" + i, "10.00", null));
            }
        }
        Row row = ConversionStats.by(Dimension.TRIGGER, touches, conversions).get(0);
        assertEquals(70, row.sends());
        assertEquals(56, row.conversions());
        assertEquals(80, row.holdout());
        assertEquals(48, row.holdoutConversions());
        assertEquals(0.6, row.holdoutRate(), 1e-12);
        assertEquals(0.2, row.uplift().estimate(), 1e-12);
        assertEquals(0.0524, row.uplift().lower(), 0.00005);
        assertEquals(0.3339, row.uplift().upper(), 0.00005);
        // Held-out orders are not the campaign's revenue or cost.
        assertEquals(56, row.orders());
        assertEquals(new BigDecimal("560.00"), row.revenue());
        assertEquals(new BigDecimal("56.00"), row.cost());
        assertEquals(new BigDecimal("9.0000"), row.roi());
        Row total = ConversionStats.total(touches, conversions);
        assertEquals("all", total.value());
        assertEquals(70, total.sends());
        assertEquals(80, total.holdout());
        assertNull(total.uplift(), "no pooled uplift across triggers");
    }

    @Test
    void roiIsUndefinedWithoutCost() {
        assertNull(ConversionStats.roi(new BigDecimal("10.00"), BigDecimal.ZERO));
        assertEquals(new BigDecimal("-0.5000"), ConversionStats.roi(new BigDecimal("5.00"), new BigDecimal("10.00")));
    }
}
