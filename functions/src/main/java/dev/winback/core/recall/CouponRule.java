package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A8: the recall coupon's amount: a share of the cart, within [min, max]; a fixed amount when the
 * cart is empty. (The remaining budget bounds it too; the ledger enforces that atomically.)
 */
public final class CouponRule {

    private CouponRule() {
    }

    public static BigDecimal amount(BigDecimal cartValue, Policy.Coupon coupon) {
        if (cartValue.signum() == 0) {
            return coupon.emptyCart().setScale(2, RoundingMode.HALF_UP);
        }
        BigDecimal share = cartValue.multiply(coupon.share());
        BigDecimal bounded = share.max(coupon.min()).min(coupon.max());
        return bounded.setScale(2, RoundingMode.HALF_UP);
    }
}
