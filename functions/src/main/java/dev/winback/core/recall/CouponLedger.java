package dev.winback.core.recall;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * Port: issues at most one coupon per decision, and never lets a day's coupon spend exceed its
 * budget, whatever runs concurrently (DynamoDB conditional writes in AWS).
 */
public interface CouponLedger {

    /**
     * @return the coupon for this decision (the one issued earlier if this is a retry), or
     *         {@link Issue.BudgetExhausted} when granting {@code amount} would pass {@code dailyBudget}
     */
    Issue issue(String decisionId, String userId, BigDecimal amount, LocalDate budgetDay, BigDecimal dailyBudget);

    sealed interface Issue {
        /** @param firstTime false when a retry found the coupon already issued */
        record Issued(String couponId, BigDecimal amount, boolean firstTime) implements Issue {
        }

        record BudgetExhausted(BigDecimal remaining) implements Issue {
        }
    }
}
