package dev.winback.adapters;

import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.FrequencyCaps;
import dev.winback.core.recall.SendLedger;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coupon, send and contact ledgers for laptop runs, with the same rules as the DynamoDB ones:
 * one coupon per decision, a day's spend never past its budget, one send per decision and channel,
 * frequency caps across decisions. Synchronized, so concurrent decisions behave as in AWS.
 */
public final class InMemoryRecallLedgers implements CouponLedger, SendLedger, ContactHistory {

    /** A coupon as issued, for {@code coupons.jsonl}. */
    public record IssuedCoupon(String couponId, String decisionId, String userId, BigDecimal amount, LocalDate day) {
    }

    private final Map<String, IssuedCoupon> coupons = new LinkedHashMap<>();
    private final Map<LocalDate, BigDecimal> spent = new HashMap<>();
    private final Set<String> claims = new HashSet<>();
    private final Map<String, Map<String, Instant>> touches = new HashMap<>();

    @Override
    public synchronized Issue issue(String decisionId, String userId, BigDecimal amount, LocalDate day,
                                    BigDecimal dailyBudget) {
        IssuedCoupon existing = coupons.get(decisionId);
        if (existing != null) {
            return new Issue.Issued(existing.couponId(), existing.amount(), false);
        }
        BigDecimal spentToday = spent.getOrDefault(day, BigDecimal.ZERO);
        if (spentToday.add(amount).compareTo(dailyBudget) > 0) {
            return new Issue.BudgetExhausted(dailyBudget.subtract(spentToday));
        }
        spent.put(day, spentToday.add(amount));
        IssuedCoupon coupon = new IssuedCoupon("cp-" + decisionId, decisionId, userId, amount, day);
        coupons.put(decisionId, coupon);
        return new Issue.Issued(coupon.couponId(), amount, true);
    }

    @Override
    public synchronized boolean claim(String decisionId, String channel) {
        return claims.add(decisionId + "#" + channel);
    }

    @Override
    public synchronized void release(String decisionId, String channel) {
        claims.remove(decisionId + "#" + channel);
    }

    @Override
    public synchronized boolean published(String decisionId, String channel) {
        return claims.contains(decisionId + "#" + channel);
    }

    @Override
    public synchronized void markPublished(String decisionId, String channel) {
        claims.add(decisionId + "#" + channel);
    }

    @Override
    public synchronized boolean reserve(String userId, String decisionId, Instant at, int perDay, int perWeek) {
        Map<String, Instant> held = touches.computeIfAbsent(userId, u -> new LinkedHashMap<>());
        if (held.containsKey(decisionId)) {
            return true;
        }
        if (FrequencyCaps.reached(new ArrayList<>(held.values()), at, perDay, perWeek)) {
            return false;
        }
        held.put(decisionId, at);
        return true;
    }

    @Override
    public synchronized void unreserve(String userId, String decisionId) {
        Map<String, Instant> held = touches.get(userId);
        if (held != null) {
            held.remove(decisionId);
        }
    }

    public synchronized List<IssuedCoupon> coupons() {
        return new ArrayList<>(coupons.values());
    }

    public synchronized BigDecimal spent(LocalDate day) {
        return spent.getOrDefault(day, BigDecimal.ZERO);
    }
}
