package dev.winback.core.state;

import static dev.winback.core.state.SegmentRules.DORMANT;
import static dev.winback.core.state.SegmentRules.HIGH_FREQUENCY;
import static dev.winback.core.state.SegmentRules.HIGH_VALUE;
import static dev.winback.core.state.SegmentRules.NEW_NO_ORDER;
import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentRulesTest {

    private static final Policy POLICY = PolicyLoader.defaults();
    /** 10:00 on 22 Nov 2026 in Asia/Shanghai. */
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

    private final UserState user = UserState.newUser("u1");

    // --- helpers ---------------------------------------------------------------------------------

    /** Records an order of {@code amount} placed {@code daysAgo} days before today, as UserState keeps it. */
    private void orderDaysAgo(int daysAgo, String amount) {
        user.ordersByDay.merge(TODAY.minusDays(daysAgo), new DayOrders(1, new BigDecimal(amount)),
                (held, one) -> held.add(new BigDecimal(amount)));
        user.orders++;
        user.spend = user.spend.add(new BigDecimal(amount));
    }

    private void loginsDaysAgo(int daysAgo, int count) {
        user.loginsByDay.merge(TODAY.minusDays(daysAgo), count, Integer::sum);
    }

    private SortedSet<String> tags() {
        return SegmentRules.tags(user, NOW, POLICY);
    }

    private static Policy withDormancyThreshold(int threshold) {
        Policy.Dormancy d = POLICY.dormancy();
        return new Policy(POLICY.timeZone(), POLICY.ingest(), POLICY.recall(),
                new Policy.Dormancy(d.window(), threshold, d.scanAt(), d.coolDown(), d.maxPerEpisode(), d.channels(),
                        d.indexShards(), d.messages()),
                POLICY.segments(), POLICY.scenarios(), POLICY.messaging(), POLICY.attribution(), POLICY.geo());
    }

    private static Policy withSegments(String spend, int orders) {
        return new Policy(POLICY.timeZone(), POLICY.ingest(), POLICY.recall(), POLICY.dormancy(),
                new Policy.Segments(new BigDecimal(spend), orders), POLICY.scenarios(), POLICY.messaging(),
                POLICY.attribution(), POLICY.geo());
    }

    // --- new_no_order ----------------------------------------------------------------------------

    @Nested
    class NewNoOrder {

        @Test
        void registeredWithoutOrderIsNewNoOrder() {
            user.registeredAt = NOW.minus(Duration.ofMinutes(40));
            assertTrue(tags().contains(NEW_NO_ORDER));
        }

        @Test
        void oneOrderEndsNewNoOrder() {
            user.registeredAt = NOW.minus(Duration.ofDays(400));
            orderDaysAgo(300, "10.00"); // long gone from every window, still an order
            assertFalse(tags().contains(NEW_NO_ORDER));
        }

        @Test
        void aUserNeverSeenRegisteringIsNotNewNoOrder() {
            assertFalse(tags().contains(NEW_NO_ORDER));
        }
    }

    // --- high_value ------------------------------------------------------------------------------

    @Nested
    class HighValue {

        @Test
        void spendOfExactlyTheThresholdIsHighValue() {
            orderDaysAgo(0, "300.00");
            orderDaysAgo(10, "200.00");
            assertTrue(tags().contains(HIGH_VALUE));
        }

        @Test
        void spendJustBelowTheThresholdIsNot() {
            orderDaysAgo(0, "300.00");
            orderDaysAgo(10, "199.99");
            assertFalse(tags().contains(HIGH_VALUE));
        }

        @Test
        void anOrder91DaysAgoDoesNotCount() {
            orderDaysAgo(91, "1000.00");
            orderDaysAgo(5, "100.00");
            assertFalse(tags().contains(HIGH_VALUE));
        }

        @Test
        void theWindowIsTheNinetyDaysEndingToday() {
            orderDaysAgo(89, "500.00");
            assertTrue(tags().contains(HIGH_VALUE), "89 days ago is inside");
            user.ordersByDay.clear();
            orderDaysAgo(90, "500.00");
            assertFalse(tags().contains(HIGH_VALUE), "90 days ago is the 91st day back");
        }

        @Test
        void lifetimeSpendDoesNotMakeHighValue() {
            user.spend = new BigDecimal("9999.00");
            user.orders = 30;
            orderDaysAgo(1, "20.00");
            assertFalse(tags().contains(HIGH_VALUE));
        }

        @Test
        void aZeroThresholdNeedsAtLeastOneOrder() {
            Policy anything = withSegments("0", 4);
            assertFalse(SegmentRules.tags(user, NOW, anything).contains(HIGH_VALUE));
            orderDaysAgo(2, "0.50");
            assertTrue(SegmentRules.tags(user, NOW, anything).contains(HIGH_VALUE));
        }
    }

    // --- high_frequency --------------------------------------------------------------------------

    @Nested
    class HighFrequency {

        @Test
        void fourOrdersWithinThirtyDaysIsHighFrequency() {
            orderDaysAgo(0, "10.00");
            orderDaysAgo(7, "10.00");
            orderDaysAgo(15, "10.00");
            orderDaysAgo(29, "10.00");
            assertTrue(tags().contains(HIGH_FREQUENCY));
        }

        @Test
        void threeOrdersIsNot() {
            orderDaysAgo(0, "10.00");
            orderDaysAgo(1, "10.00");
            orderDaysAgo(2, "10.00");
            assertFalse(tags().contains(HIGH_FREQUENCY));
        }

        @Test
        void severalOrdersOnOneDayCountEach() {
            for (int i = 0; i < 4; i++) {
                orderDaysAgo(3, "10.00");
            }
            assertEquals(4, user.ordersByDay.get(TODAY.minusDays(3)).count());
            assertTrue(tags().contains(HIGH_FREQUENCY));
        }

        @Test
        void ordersOlderThanThirtyDaysAreNotCounted() {
            orderDaysAgo(0, "10.00");
            orderDaysAgo(1, "10.00");
            orderDaysAgo(2, "10.00");
            orderDaysAgo(30, "10.00");
            orderDaysAgo(45, "10.00");
            assertFalse(tags().contains(HIGH_FREQUENCY));
        }
    }

    // --- dormant ---------------------------------------------------------------------------------

    @Nested
    class Dormant {

        @Test
        void noLoginInTheSevenDayWindowIsDormant() {
            loginsDaysAgo(7, 3);
            loginsDaysAgo(20, 1);
            assertEquals(0, SegmentRules.loginsInWindow(user, TODAY, POLICY));
            assertTrue(tags().contains(DORMANT));
        }

        @Test
        void oneLoginInTheWindowIsNotDormant() {
            loginsDaysAgo(6, 1);
            assertEquals(1, SegmentRules.loginsInWindow(user, TODAY, POLICY));
            assertFalse(tags().contains(DORMANT));
        }

        @Test
        void aLoginTodayIsNotDormant() {
            loginsDaysAgo(0, 1);
            assertFalse(tags().contains(DORMANT));
        }

        @Test
        void loginsAfterTheEndOfTheWindowDoNotCount() {
            user.loginsByDay.put(TODAY.plusDays(1), 2);
            assertEquals(0, SegmentRules.loginsInWindow(user, TODAY, POLICY));
        }

        @ParameterizedTest(name = "threshold {0}, {1} logins -> dormant {2}")
        @CsvSource({"0, 0, true", "0, 1, false", "2, 2, true", "2, 3, false"})
        void dormantIsAtOrBelowTheThreshold(int threshold, int logins, boolean dormant) {
            if (logins > 0) {
                loginsDaysAgo(3, logins);
            }
            assertEquals(dormant, SegmentRules.tags(user, NOW, withDormancyThreshold(threshold)).contains(DORMANT));
        }
    }

    // --- from events, in the policy's time zone --------------------------------------------------

    @Nested
    class FromEvents {

        private int count;

        private void apply(EventJson event, String at) {
            user.apply(event.id("e" + (++count)).at(at).decoded(), POLICY);
        }

        @Test
        void tagsFollowTheStateBuiltFromEvents() {
            apply(userEvent("register"), "2026-11-01T02:00:00Z");
            apply(userEvent("login"), "2026-11-01T02:01:00Z");
            assertEquals(Set.of(NEW_NO_ORDER, DORMANT),
                    SegmentRules.tags(user, Instant.parse("2026-11-22T02:00:00Z"), POLICY));

            for (int i = 0; i < 4; i++) {
                apply(userEvent("order_placed").with("orderId", "o" + i).with("amount", "130.00"),
                        "2026-11-1" + i + "T02:00:00Z");
            }
            apply(userEvent("login"), "2026-11-21T02:00:00Z");
            assertEquals(Set.of(HIGH_VALUE, HIGH_FREQUENCY),
                    SegmentRules.tags(user, Instant.parse("2026-11-22T02:00:00Z"), POLICY));
        }

        @Test
        void windowsEndOnTheDayOfNowInThePolicyTimeZone() {
            apply(userEvent("login"), "2026-11-15T03:00:00Z"); // 15 Nov, 11:00 in Shanghai
            // 21 Nov 17:00 UTC is already 22 Nov in Shanghai: 15 Nov is the 8th day back, outside the window.
            assertTrue(SegmentRules.tags(user, Instant.parse("2026-11-21T17:00:00Z"), POLICY).contains(DORMANT));
            // 21 Nov 15:00 UTC is 23:00 on 21 Nov in Shanghai: 15 Nov is inside.
            assertFalse(SegmentRules.tags(user, Instant.parse("2026-11-21T15:00:00Z"), POLICY).contains(DORMANT));
        }
    }
}
