package dev.winback.core.conversion;

import static dev.winback.core.conversion.Touches.T0;
import static dev.winback.core.conversion.Touches.at;
import static dev.winback.core.conversion.Touches.holdout;
import static dev.winback.core.conversion.Touches.order;
import static dev.winback.core.conversion.Touches.touch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C7: orders go to the user's last touch within the window. */
class AttributionTest {

    private static final Duration DAY = Duration.ofHours(24);

    private static Attribution.Result attribute(List<Touch> touches, List<Order> orders) {
        return Attribution.attribute(touches, orders, List.of(), DAY);
    }

    @Test
    void theLastTouchBeforeTheOrderWins() {
        Attribution.Result r = attribute(
                List.of(touch("d-1", "u1", at(Duration.ofHours(1))), touch("d-2", "u1", at(Duration.ofHours(3))),
                        touch("d-3", "u1", at(Duration.ofHours(5)))), // after the order: not a cause
                List.of(order("o-1", "u1", at(Duration.ofHours(4)), "60.00", null)));
        assertEquals(1, r.conversions().size());
        assertEquals("d-2", r.conversions().get(0).touch().decisionId());
        assertEquals(Duration.ofHours(1), r.conversions().get(0).timeToOrder());
        assertEquals(new BigDecimal("60.00"), r.conversions().get(0).minutesToOrder());
        assertTrue(r.unattributed().isEmpty());
    }

    @Test
    void anOrderExactlyAtTheWindowsEndCountsAndOneMillisecondLaterDoesNot() {
        Touch t = touch("d-1", "u1", T0);
        Attribution.Result r = attribute(List.of(t), List.of(
                order("o-edge", "u1", T0.plus(DAY), "10.00", null),
                order("o-late", "u1", T0.plus(DAY).plusMillis(1), "10.00", null)));
        assertEquals(List.of("o-edge"), r.conversions().stream().map(c -> c.order().orderId()).toList());
        assertEquals(List.of("o-late"), r.unattributed().stream().map(Order::orderId).toList());
        assertEquals(new BigDecimal("1440.00"), r.conversions().get(0).minutesToOrder());
    }

    @Test
    void anOrderAtTheTouchsInstantIsAttributed() {
        Attribution.Result r = attribute(List.of(touch("d-1", "u1", T0)), List.of(order("o-1", "u1", T0, "10.00", null)));
        assertEquals(1, r.conversions().size());
        assertEquals(Duration.ZERO, r.conversions().get(0).timeToOrder());
    }

    @Test
    void anOrderBeforeAnyTouchIsUnattributed() {
        Attribution.Result r = attribute(List.of(touch("d-1", "u1", at(Duration.ofHours(2)))),
                List.of(order("o-1", "u1", at(Duration.ofHours(1)), "10.00", null)));
        assertTrue(r.conversions().isEmpty());
        assertEquals(1, r.unattributed().size());
    }

    @Test
    void aTouchOnlyCountsForItsOwnUser() {
        Attribution.Result r = attribute(
                List.of(touch("d-a", "u-a", at(Duration.ofHours(1))), touch("d-b", "u-b", at(Duration.ofHours(2)))),
                List.of(order("o-a", "u-a", at(Duration.ofHours(3)), "10.00", null),
                        order("o-b", "u-b", at(Duration.ofHours(3)), "20.00", null),
                        order("o-c", "u-c", at(Duration.ofHours(3)), "30.00", null)));
        assertEquals(List.of("o-a:d-a", "o-b:d-b"), r.conversions().stream()
                .map(c -> c.order().orderId() + ":" + c.touch().decisionId()).sorted().toList());
        assertEquals(List.of("o-c"), r.unattributed().stream().map(Order::orderId).toList());
    }

    @Test
    void everyOrderInTheWindowIsAttributedOnItsOwn() {
        Attribution.Result r = attribute(List.of(touch("d-1", "u1", T0)), List.of(
                order("o-2", "u1", at(Duration.ofHours(5)), "20.00", "2.00"),
                order("o-1", "u1", at(Duration.ofHours(1)), "10.00", "1.00"),
                order("o-1", "u1", at(Duration.ofHours(1)), "10.00", "1.00"))); // the same order twice counts once
        assertEquals(List.of("o-1", "o-2"), r.conversions().stream().map(c -> c.order().orderId()).toList());
        assertTrue(r.conversions().stream().allMatch(c -> c.touch().decisionId().equals("d-1")));
    }

    @Test
    void aLaterTouchTakesOverFromAnEarlierOne() {
        Attribution.Result r = attribute(
                List.of(touch("d-1", "u1", T0), touch("d-2", "u1", at(Duration.ofHours(10)))),
                List.of(order("o-1", "u1", at(Duration.ofHours(2)), "10.00", null),
                        order("o-2", "u1", at(Duration.ofHours(12)), "10.00", null)));
        assertEquals(List.of("o-1:d-1", "o-2:d-2"), r.conversions().stream()
                .map(c -> c.order().orderId() + ":" + c.touch().decisionId()).toList());
    }

    @Test
    void holdoutTouchesAreAttributedLikeRealOnesInTheirOwnGroup() {
        Attribution.Result r = attribute(
                List.of(holdout("h-1", "u-control", T0), touch("d-1", "u-treated", T0)),
                List.of(order("o-c", "u-control", at(Duration.ofHours(3)), "40.00", null),
                        order("o-t", "u-treated", at(Duration.ofHours(3)), "40.00", "4.00")));
        assertEquals(2, r.conversions().size());
        Conversion control = r.conversions().stream().filter(c -> c.order().orderId().equals("o-c")).findFirst().orElseThrow();
        assertEquals(Touch.Group.HOLDOUT, control.touch().group());
        assertNull(control.touch().channel());
        Conversion treated = r.conversions().stream().filter(c -> c.order().orderId().equals("o-t")).findFirst().orElseThrow();
        assertEquals(Touch.Group.TREATED, treated.touch().group());
    }

    @Test
    void realAndHoldoutTouchesCompeteOnTimeAndARealOneWinsATie() {
        Attribution.Result later = attribute(
                List.of(touch("d-1", "u1", T0), holdout("h-1", "u1", at(Duration.ofHours(1)))),
                List.of(order("o-1", "u1", at(Duration.ofHours(2)), "10.00", null)));
        assertEquals("h-1", later.conversions().get(0).touch().decisionId());
        Attribution.Result tie = attribute(
                List.of(holdout("h-1", "u1", T0), touch("d-1", "u1", T0)),
                List.of(order("o-1", "u1", at(Duration.ofHours(2)), "10.00", null)));
        assertEquals("d-1", tie.conversions().get(0).touch().decisionId());
    }

    @Test
    void theLandingPageIsTheFirstPageEnteredAfterTheTouchAndDwellRunsToTheOrder() {
        Touch t = touch("d-1", "u1", T0);
        List<PageVisit> visits = List.of(
                new PageVisit("u1", "home", T0.minusSeconds(30)),          // before the touch
                new PageVisit("u1", "product", T0.plusSeconds(120)),       // later in the same visit
                new PageVisit("u1", "coupon", T0.plusSeconds(60)),         // the landing page (input order does not matter)
                new PageVisit("u2", "order", T0.plusSeconds(10)));         // someone else
        Attribution.Result r = Attribution.attribute(List.of(t),
                List.of(order("o-1", "u1", T0.plusSeconds(300), "10.00", null)), visits, DAY);
        Conversion c = r.conversions().get(0);
        assertEquals("coupon", c.landingPage());
        assertEquals(T0.plusSeconds(60), c.landingAt());
        assertEquals(Duration.ofSeconds(240), c.dwell());
    }

    @Test
    void withoutAPageBetweenTouchAndOrderThereIsNoDwell() {
        Attribution.Result r = Attribution.attribute(List.of(touch("d-1", "u1", T0)),
                List.of(order("o-1", "u1", T0.plusSeconds(300), "10.00", null)),
                List.of(new PageVisit("u1", "order", T0.plusSeconds(400))), DAY);
        assertNull(r.conversions().get(0).landingPage());
        assertNull(r.conversions().get(0).dwell());
    }

    @Test
    void theWindowComesFromThePolicy() {
        Attribution.Result r = Attribution.attribute(List.of(touch("d-1", "u1", T0)),
                List.of(order("o-1", "u1", at(Duration.ofHours(2)), "10.00", null)), List.of(), Duration.ofHours(1));
        assertTrue(r.conversions().isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> Attribution.attribute(List.of(), List.of(), List.of(), Duration.ofHours(-1)));
    }
}
