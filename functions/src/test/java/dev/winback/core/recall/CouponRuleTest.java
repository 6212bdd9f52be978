package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winback.core.policy.Policy;
import dev.winback.testing.Policies;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A8: the recall coupon's amount from the cart value. */
class CouponRuleTest {

    private static final Policy.Coupon RULE = Policies.DEFAULTS.recall().coupon();

    private static BigDecimal amount(String cart) {
        return CouponRule.amount(new BigDecimal(cart), RULE);
    }

    @Test
    void tenPercentOfTheCart() {
        assertEquals(new BigDecimal("6.80"), amount("68.00"));
    }

    @Test
    void smallCartsGetTheMinimum() {
        assertEquals(new BigDecimal("3.00"), amount("20.00"));
        assertEquals(new BigDecimal("3.00"), amount("0.01"));
    }

    @Test
    void largeCartsGetTheMaximum() {
        assertEquals(new BigDecimal("20.00"), amount("500"));
        assertEquals(new BigDecimal("20.00"), amount("99999.99"));
    }

    @Test
    void emptyCartGetsTheFixedAmount() {
        assertEquals(new BigDecimal("5.00"), amount("0"));
        assertEquals(new BigDecimal("5.00"), amount("0.00"));
    }

    @ParameterizedTest(name = "cart {0} -> {1}")
    @CsvSource({
        "30.00, 3.00",     // exactly the minimum
        "200.00, 20.00",   // exactly the maximum
        "33.33, 3.33",     // 3.333 rounds down
        "45.55, 4.56",     // 4.555 rounds half up
        "45.54, 4.55",     // 4.554
        "123.45, 12.35",   // 12.345
        "68, 6.80",        // an integral cart still gives cents
        "199.999, 20.00",  // 19.9999 rounds to the maximum
    })
    void roundsToCents(String cart, String expected) {
        BigDecimal result = amount(cart);
        assertEquals(new BigDecimal(expected), result); // equals: value and scale 2
        assertEquals(2, result.scale());
    }

    @Test
    void neverBelowMinNorAboveMaxOverARangeOfCarts() {
        for (int cents = 1; cents <= 100_000; cents += 37) {
            BigDecimal result = CouponRule.amount(BigDecimal.valueOf(cents, 2), RULE);
            assertEquals(2, result.scale());
            assertEquals(true, result.compareTo(RULE.min()) >= 0 && result.compareTo(RULE.max()) <= 0, "cart " + cents);
        }
    }

    @Test
    void theRuleComesFromThePolicy() {
        Policy.Coupon rule = new Policy.Coupon(new BigDecimal("0.05"), new BigDecimal("1"), new BigDecimal("8"),
                new BigDecimal("2"), new BigDecimal("100"));
        assertEquals(new BigDecimal("3.40"), CouponRule.amount(new BigDecimal("68.00"), rule));
        assertEquals(new BigDecimal("1.00"), CouponRule.amount(new BigDecimal("10.00"), rule));
        assertEquals(new BigDecimal("8.00"), CouponRule.amount(new BigDecimal("500.00"), rule));
        assertEquals(new BigDecimal("2.00"), CouponRule.amount(BigDecimal.ZERO, rule));
    }
}
