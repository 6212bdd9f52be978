package dev.winback.core.conversion;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * C7: last-touch attribution. Each order goes to the user's latest touch at or before the order and at
 * most {@code window} earlier (both ends included: an order exactly 24 h after the touch counts, one
 * millisecond later does not). Real touches and holdout touches compete alike, so an order is
 * credited to whichever exposure — real or would-have-been — came last. Every order is attributed on
 * its own (two orders after one touch are two attributed orders of one converted decision); an order
 * without a touch in its window is unattributed.
 *
 * <p>Ties (two touches at the same instant): a real touch wins over a holdout touch, then the greater
 * decision id, so the result does not depend on input order. Repeated inputs are ignored: a touch
 * per decision id, an order per user and order id (the earliest).
 */
public final class Attribution {

    /** Latest wins; on equal time a real touch before a holdout one; then the greater decision id. */
    private static final Comparator<Touch> PRECEDENCE = Comparator.comparing(Touch::at)
            .thenComparing(t -> t.group() == Touch.Group.TREATED)
            .thenComparing(Touch::decisionId);

    private Attribution() {
    }

    /** What attribution made of the orders. */
    public record Result(List<Conversion> conversions, List<Order> unattributed) {
    }

    public static Result attribute(Collection<Touch> touches, Collection<Order> orders, Collection<PageVisit> visits,
                                   Duration window) {
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("the attribution window must be zero or more");
        }
        Map<String, List<Touch>> touchesByUser = byUser(dedupTouches(touches), Touch::userId, Touch::at);
        Map<String, List<PageVisit>> visitsByUser = byUser(visits, PageVisit::userId, PageVisit::at);
        List<Conversion> conversions = new ArrayList<>();
        List<Order> unattributed = new ArrayList<>();
        for (Order order : dedupOrders(orders)) {
            Touch last = null;
            for (Touch touch : touchesByUser.getOrDefault(order.userId(), List.of())) {
                if (!touch.at().isAfter(order.at()) && !touch.at().isBefore(order.at().minus(window))
                        && (last == null || PRECEDENCE.compare(touch, last) > 0)) {
                    last = touch;
                }
            }
            if (last == null) {
                unattributed.add(order);
                continue;
            }
            PageVisit landing = null;
            for (PageVisit visit : visitsByUser.getOrDefault(order.userId(), List.of())) {
                if (!visit.at().isBefore(last.at()) && !visit.at().isAfter(order.at())) {
                    landing = visit; // visits are in time order: the first in [touch, order]
                    break;
                }
            }
            conversions.add(new Conversion(last, order, landing == null ? null : landing.page(),
                    landing == null ? null : landing.at()));
        }
        return new Result(List.copyOf(conversions), List.copyOf(unattributed));
    }

    private static Collection<Touch> dedupTouches(Collection<Touch> touches) {
        Map<String, Touch> byId = new LinkedHashMap<>();
        touches.forEach(t -> byId.putIfAbsent(t.decisionId(), t));
        return byId.values();
    }

    /** One order per (user, order id), the earliest; the result in order time (stable). */
    private static List<Order> dedupOrders(Collection<Order> orders) {
        Map<List<String>, Order> byId = new LinkedHashMap<>();
        for (Order order : orders) {
            byId.merge(List.of(order.userId(), order.orderId()), order, (a, b) -> b.at().isBefore(a.at()) ? b : a);
        }
        List<Order> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(Order::at));
        return sorted;
    }

    private static <T> Map<String, List<T>> byUser(Collection<T> items, java.util.function.Function<T, String> user,
                                                   java.util.function.Function<T, Instant> at) {
        Map<String, List<T>> byUser = new HashMap<>();
        items.forEach(item -> byUser.computeIfAbsent(user.apply(item), k -> new ArrayList<>()).add(item));
        byUser.values().forEach(list -> list.sort(Comparator.comparing(at)));
        return byUser;
    }
}
