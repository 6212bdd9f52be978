package dev.winback.core.state;

import dev.winback.core.policy.Policy;
import dev.winback.core.segments.BuiltInTags;
import dev.winback.core.segments.CustomSegments;
import dev.winback.core.segments.SegmentFacts;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * C2: the segment tags, recomputed from user state after every applied batch: the built-in ones
 * and the policy's custom ones ({@code segments.custom}, CEL expressions over {@link SegmentFacts}).
 */
public final class SegmentRules {

    public static final String NEW_NO_ORDER = BuiltInTags.NEW_NO_ORDER;
    public static final String HIGH_VALUE = BuiltInTags.HIGH_VALUE;
    public static final String HIGH_FREQUENCY = BuiltInTags.HIGH_FREQUENCY;
    public static final String DORMANT = BuiltInTags.DORMANT;

    /** The longest window any rule looks back over; older day buckets are dropped. */
    public static final int LONGEST_WINDOW_DAYS = 90;
    private static final int FREQUENCY_WINDOW_DAYS = 30;

    private SegmentRules() {
    }

    /** @param now the end of every rolling window (the newest event time the state has seen) */
    public static SortedSet<String> tags(UserState user, Instant now, Policy policy) {
        return segment(user, now, policy).tags();
    }

    /**
     * The user's tags, and how many custom segment expressions failed for this user at run time
     * (their tags are left off; a failure never fails the write).
     */
    public record Segmentation(SortedSet<String> tags, int failures) {
    }

    /** @param now the end of every rolling window (the newest event time the state has seen) */
    public static Segmentation segment(UserState user, Instant now, Policy policy) {
        SortedSet<String> tags = new TreeSet<>();
        LocalDate today = UserState.day(now, policy);
        if (user.registeredAt != null && user.orders == 0) {
            tags.add(NEW_NO_ORDER);
        }
        BigDecimal spend90 = BigDecimal.ZERO;
        int orders30 = 0;
        for (Map.Entry<LocalDate, DayOrders> day : user.ordersByDay.entrySet()) {
            if (inWindow(day.getKey(), today, LONGEST_WINDOW_DAYS)) {
                spend90 = spend90.add(day.getValue().spend());
            }
            if (inWindow(day.getKey(), today, FREQUENCY_WINDOW_DAYS)) {
                orders30 += day.getValue().count();
            }
        }
        if (spend90.compareTo(policy.segments().highValueSpend90d()) >= 0 && user.orders > 0) {
            tags.add(HIGH_VALUE);
        }
        if (orders30 >= policy.segments().highFrequencyOrders30d() && orders30 > 0) {
            tags.add(HIGH_FREQUENCY);
        }
        int logins = loginsInWindow(user, today, policy);
        if (logins <= policy.dormancy().threshold()) {
            tags.add(DORMANT);
        }
        CustomSegments custom = CustomSegments.of(policy.segments().custom());
        if (custom.isEmpty()) {
            return new Segmentation(tags, 0);
        }
        SegmentFacts facts = facts(user, today, spend90, orders30, logins, List.copyOf(tags), policy);
        int failures = custom.evaluate(facts, tags);
        return new Segmentation(tags, failures);
    }

    /** What custom segment expressions see of the user (the variables are documented on SegmentFacts). */
    static SegmentFacts facts(UserState user, LocalDate today, BigDecimal spend90, int orders30, int logins,
                              List<String> builtInTags, Policy policy) {
        long cartItems = 0;
        for (CartLine line : user.cart) {
            cartItems += line.quantity();
        }
        Session session = user.session;
        return new SegmentFacts(user.orders, user.ordersCompleted, user.couponsUsed, user.spend.doubleValue(),
                spend90.doubleValue(), orders30, user.cartValue().doubleValue(), cartItems, logins,
                daysAgo(user.registeredAt, today, policy), daysAgo(user.lastOrderAt, today, policy),
                daysAgo(user.lastLoginAt, today, policy), session == null ? 0 : session.pagesViewed,
                session != null && session.leftApp, builtInTags, user.profile, user.consent);
    }

    /** Whole days from {@code at} to {@code today} in the policy's time zone; -1 when unknown, 0 when ahead. */
    private static long daysAgo(Instant at, LocalDate today, Policy policy) {
        return at == null ? -1 : Math.max(0, ChronoUnit.DAYS.between(UserState.day(at, policy), today));
    }

    /** B1: logins over the rolling dormancy window ending on {@code today}. */
    public static int loginsInWindow(UserState user, LocalDate today, Policy policy) {
        int days = (int) policy.dormancy().window().toDays();
        int logins = 0;
        for (Map.Entry<LocalDate, Integer> day : user.loginsByDay.entrySet()) {
            if (inWindow(day.getKey(), today, days)) {
                logins += day.getValue();
            }
        }
        return logins;
    }

    /**
     * B2/B6: the day this user becomes dormant if they do not log in again — the day their
     * (threshold + 1)-th most recent login leaves the rolling window. A user who never logged in
     * counts from registration. Null when neither is known. When the window already holds too few
     * logins the user is dormant now, and the day stays what it was ({@code held}): the episode began then.
     */
    public static LocalDate dormantFrom(UserState user, LocalDate held, Policy policy) {
        int needed = policy.dormancy().threshold() + 1;
        long window = policy.dormancy().window().toDays();
        int seen = 0;
        for (Map.Entry<LocalDate, Integer> day : user.loginsByDay.descendingMap().entrySet()) {
            seen += day.getValue();
            if (seen >= needed) {
                return day.getKey().plusDays(window);
            }
        }
        if (held != null) {
            return held;
        }
        if (user.lastLoginAt == null && user.registeredAt != null) {
            return UserState.day(user.registeredAt, policy).plusDays(window);
        }
        return null;
    }

    /** True when {@code day} is one of the {@code days} days ending with {@code today}. */
    static boolean inWindow(LocalDate day, LocalDate today, int days) {
        return !day.isAfter(today) && day.isAfter(today.minusDays(days));
    }
}
