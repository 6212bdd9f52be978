package dev.winback.core.state;

import dev.winback.core.policy.Policy;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** C2: the built-in segment tags, recomputed from user state after every applied batch. */
public final class SegmentRules {

    public static final String NEW_NO_ORDER = "new_no_order";
    public static final String HIGH_VALUE = "high_value";
    public static final String HIGH_FREQUENCY = "high_frequency";
    public static final String DORMANT = "dormant";

    /** The longest window any rule looks back over; older day buckets are dropped. */
    public static final int LONGEST_WINDOW_DAYS = 90;
    private static final int FREQUENCY_WINDOW_DAYS = 30;

    private SegmentRules() {
    }

    /** @param now the end of every rolling window (the newest event time the state has seen) */
    public static SortedSet<String> tags(UserState user, Instant now, Policy policy) {
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
        if (loginsInWindow(user, today, policy) <= policy.dormancy().threshold()) {
            tags.add(DORMANT);
        }
        return tags;
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
