package dev.winback.core.state;

import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserStateTest {

    private static final Policy POLICY = PolicyLoader.defaults();
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");

    private final UserState user = UserState.newUser("u1");
    private int eventCount;

    // --- helpers ---------------------------------------------------------------------------------

    private static Instant t(Duration offset) {
        return T0.plus(offset);
    }

    private static Duration sec(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static Duration min(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    /** Applies an event stamped {@code at}, with a fresh eventId. */
    private void apply(EventJson event, Instant at) {
        user.apply(event.id("e" + (++eventCount)).at(at).decoded(), POLICY);
    }

    private void apply(EventJson event) {
        apply(event, T0);
    }

    private static EventJson pageEnter(String page) {
        return userEvent("page_enter").with("page", page);
    }

    private static EventJson cartAdd(String item, String price, int quantity, String merchant) {
        return userEvent("cart_add").with("itemId", item).with("price", price).with("quantity", quantity)
                .with("merchantId", merchant);
    }

    private static EventJson cartRemove(String item, Integer quantity) {
        EventJson remove = userEvent("cart_remove").with("itemId", item);
        return quantity == null ? remove : remove.with("quantity", quantity);
    }

    private static EventJson order(String orderId, String amount) {
        return userEvent("order_placed").with("orderId", orderId).with("amount", amount);
    }

    private static void assertMoney(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + ", got " + actual);
    }

    private CartLine line(String itemId) {
        return user.cart.stream().filter(l -> l.itemId().equals(itemId)).findFirst().orElse(null);
    }

    // --- cart ------------------------------------------------------------------------------------

    @Nested
    class TrackedFacts {

        @Test
        void loginAndLogoutTimesClicksOrderAmountsAndDiscountsAreKept() {
            apply(userEvent("login"), T0);
            apply(userEvent("click").with("target", "banner-1"), t(sec(20)));
            apply(userEvent("click").with("target", "banner-2"), t(sec(30)));
            apply(order("o-1", "40.00").with("discount", "5.00"), t(min(2)));
            apply(order("o-0", "99.00"), t(min(1))); // arrives late: not the latest order
            apply(userEvent("order_completed").with("orderId", "o-1"), t(min(40)));
            apply(userEvent("coupon_used").with("couponId", "c-1").with("orderId", "o-1"), t(min(2)));
            apply(userEvent("logout"), t(min(50)));

            assertEquals(T0, user.lastLoginAt);
            assertEquals(t(min(50)), user.lastLogoutAt);
            assertEquals(2, user.clicks);
            assertEquals(t(sec(30)), user.lastClickAt);
            assertEquals(2, user.orders);
            assertMoney("40.00", user.lastOrderAmount);
            assertMoney("5.00", user.discounts);
            assertMoney("139.00", user.spend);
            assertEquals(1, user.ordersCompleted);
            assertEquals(1, user.couponsUsed);
        }
    }

    @Nested
    class Cart {

        @Test
        void addingItemsBuildsLinesAndValue() {
            apply(cartAdd("sku-1", "12.50", 2, "m1"));
            apply(cartAdd("sku-2", "3.00", 1, "m2"));
            assertEquals(List.of(new CartLine("sku-1", new BigDecimal("12.50"), 2, "m1"),
                    new CartLine("sku-2", new BigDecimal("3.00"), 1, "m2")), user.cart);
            assertMoney("28.00", user.cartValue());
        }

        @Test
        void addingTheSameItemMergesQuantityAtTheLatestPrice() {
            apply(cartAdd("sku-1", "10.00", 2, "m1"));
            apply(cartAdd("sku-1", "12.00", 1, "m1"));
            assertEquals(1, user.cart.size());
            assertEquals(new CartLine("sku-1", new BigDecimal("12.00"), 3, "m1"), user.cart.get(0));
            assertMoney("36.00", user.cartValue());
        }

        @Test
        void removingPartOfALineKeepsTheRest() {
            apply(cartAdd("sku-1", "5.00", 3, "m1"));
            apply(cartRemove("sku-1", 2));
            assertEquals(1, line("sku-1").quantity());
            assertMoney("5.00", user.cartValue());
        }

        @Test
        void removingWithoutQuantityOrMoreThanHeldRemovesTheLine() {
            apply(cartAdd("sku-1", "5.00", 3, "m1"));
            apply(cartAdd("sku-2", "7.00", 1, "m1"));
            apply(cartRemove("sku-1", null));
            assertNull(line("sku-1"));
            apply(cartRemove("sku-2", 5));
            assertTrue(user.cart.isEmpty());
            assertMoney("0", user.cartValue());
        }

        @Test
        void removingAnItemNotInTheCartChangesNothing() {
            apply(cartAdd("sku-1", "5.00", 1, "m1"));
            apply(cartRemove("sku-9", null));
            assertEquals(1, user.cart.size());
        }

        @Test
        void cartMerchantIsThatOfTheLatestLineNamingOne() {
            assertNull(user.cartMerchant());
            apply(cartAdd("sku-1", "5.00", 1, "m1"));
            apply(cartAdd("sku-2", "5.00", 1, "m2"));
            assertEquals("m2", user.cartMerchant());
            apply(cartAdd("sku-3", "5.00", 1, null));
            assertEquals("m2", user.cartMerchant(), "a line without merchant does not hide the last known one");
            apply(cartRemove("sku-2", null));
            assertEquals("m1", user.cartMerchant());
        }

        @Test
        void reAddingAnItemWithoutMerchantKeepsTheLinesMerchant() {
            apply(cartAdd("sku-1", "5.00", 1, "m1"));
            apply(cartAdd("sku-1", "5.00", 1, null));
            assertEquals("m1", line("sku-1").merchantId());
            assertEquals("m1", user.cartMerchant());
        }
    }

    // --- orders ----------------------------------------------------------------------------------

    @Nested
    class Orders {

        @Test
        void anOrderClearsTheCartAndUpdatesCountsAndSpend() {
            apply(cartAdd("sku-1", "30.00", 2, "m1"));
            apply(order("o1", "58.00"), t(min(1)));
            assertTrue(user.cart.isEmpty());
            assertEquals(1, user.orders);
            assertMoney("58.00", user.spend);
            assertEquals(t(min(1)), user.firstOrderAt);
            assertEquals(t(min(1)), user.lastOrderAt);

            apply(order("o2", "12.5"), t(min(5)));
            assertEquals(2, user.orders);
            assertMoney("70.50", user.spend);
            assertEquals(t(min(1)), user.firstOrderAt);
            assertEquals(t(min(5)), user.lastOrderAt);
        }

        @Test
        void orderDayBucketsUseThePolicyTimeZone() {
            apply(order("o1", "20.00"), Instant.parse("2026-11-21T17:00:00Z")); // 01:00 on 22 Nov in Shanghai
            apply(order("o2", "30.00"), Instant.parse("2026-11-22T15:59:59Z")); // 23:59:59 on 22 Nov
            apply(order("o3", "5.00"), Instant.parse("2026-11-22T16:00:00Z"));  // 00:00 on 23 Nov
            TreeMap<LocalDate, DayOrders> expected = new TreeMap<>(Map.of(
                    LocalDate.of(2026, 11, 22), new DayOrders(2, new BigDecimal("50.00")),
                    LocalDate.of(2026, 11, 23), new DayOrders(1, new BigDecimal("5.00"))));
            assertEquals(expected, user.ordersByDay);
        }

        @Test
        void sameInstantFallsOnAnotherDayInAnotherZone() {
            user.apply(order("o1", "20.00").id("x").at("2026-11-21T17:00:00Z").decoded(),
                    POLICY.withTimeZone(java.time.ZoneId.of("UTC")));
            assertEquals(List.of(LocalDate.of(2026, 11, 21)), List.copyOf(user.ordersByDay.keySet()));
        }

        @Test
        void orderBucketsOlderThanTheLongestSegmentWindowArePruned() {
            apply(order("o1", "10.00"), T0.minus(Duration.ofDays(200)));
            apply(order("o2", "10.00"), T0.minus(Duration.ofDays(60)));
            apply(order("o3", "10.00"), T0);
            assertEquals(List.of(LocalDate.of(2026, 9, 23), LocalDate.of(2026, 11, 22)),
                    List.copyOf(user.ordersByDay.keySet()));
            assertEquals(3, user.orders, "lifetime counters keep everything");
            assertMoney("30.00", user.spend);
        }

        @Test
        void completionsAndCouponUsesAreCounted() {
            apply(userEvent("order_completed").with("orderId", "o1"));
            apply(userEvent("coupon_used").with("couponId", "c1").with("orderId", "o1"));
            apply(userEvent("coupon_used").with("couponId", "c2").with("orderId", "o2"));
            assertEquals(1, user.ordersCompleted);
            assertEquals(2, user.couponsUsed);
        }

        @Test
        void registrationKeepsTheEarliestTime() {
            apply(userEvent("register"), t(min(10)));
            apply(userEvent("register"), t(min(2)));
            apply(userEvent("register"), t(min(30)));
            assertEquals(t(min(2)), user.registeredAt);
        }
    }

    // --- A2 / A3b learning -----------------------------------------------------------------------

    @Nested
    class Learning {

        @Test
        void timeToOrderIsLearnedPerWatchedPage() {
            apply(pageEnter("home"), T0);
            apply(pageEnter("merchant"), t(sec(20)));
            apply(pageEnter("order"), t(sec(50)));
            apply(order("o1", "10.00"), t(sec(80)));
            assertEquals(Map.of("home", new Tally(1, 80_000), "merchant", new Tally(1, 60_000),
                    "order", new Tally(1, 30_000)), user.timeToOrder);
        }

        @Test
        void reEnteringAPageRestartsItsClock() {
            apply(pageEnter("order"), T0);
            apply(pageEnter("coupon"), t(sec(10)));
            apply(pageEnter("order"), t(sec(40)));
            apply(order("o1", "10.00"), t(sec(55)));
            assertEquals(Map.of("order", new Tally(1, 15_000)), user.timeToOrder);
        }

        @Test
        void unwatchedPagesAreNotTimed() {
            apply(pageEnter("coupon"), T0);
            apply(pageEnter("profile"), t(sec(5)));
            apply(order("o1", "10.00"), t(sec(9)));
            assertTrue(user.timeToOrder.isEmpty());
        }

        @Test
        void conversionsAccumulateIntoAnAverage() {
            apply(pageEnter("order"), T0);
            apply(order("o1", "10.00"), t(sec(30)));
            apply(pageEnter("order"), t(sec(100)));
            apply(order("o2", "10.00"), t(sec(160)));
            apply(pageEnter("order"), t(sec(200)));
            apply(order("o3", "10.00"), t(sec(290)));
            Tally order = user.timeToOrder.get("order");
            assertEquals(3, order.count());
            assertEquals(60_000.0, order.average());
        }

        @Test
        void anOrderSettlesThePendingPagesSoASecondOrderLearnsNothingNew() {
            apply(pageEnter("order"), T0);
            apply(order("o1", "10.00"), t(sec(30)));
            apply(order("o2", "10.00"), t(sec(60)));
            assertEquals(new Tally(1, 30_000), user.timeToOrder.get("order"));
            assertTrue(user.session.watchedEnteredAt.isEmpty());
        }

        @Test
        void pagesPerConvertingSessionCountsEachSessionOnce() {
            apply(pageEnter("home").session("s1"), T0);
            apply(pageEnter("merchant").session("s1"), t(sec(10)));
            apply(pageEnter("order").session("s1"), t(sec(20)));
            apply(order("o1", "10.00").session("s1"), t(sec(30)));
            apply(pageEnter("order").session("s1"), t(sec(40)));
            apply(order("o2", "10.00").session("s1"), t(sec(50)));
            assertEquals(new Tally(1, 3), user.pagesPerConvertingSession);

            apply(pageEnter("home").session("s2"), t(min(2)));
            apply(order("o3", "10.00").session("s2"), t(min(3)));
            assertEquals(new Tally(2, 4), user.pagesPerConvertingSession);
            assertEquals(2.0, user.pagesPerConvertingSession.average());
        }

        @Test
        void sessionsWithoutAnOrderDoNotCount() {
            apply(pageEnter("home").session("s1"), T0);
            apply(pageEnter("merchant").session("s1"), t(sec(10)));
            apply(pageEnter("home").session("s2"), t(min(1)));
            assertEquals(Tally.EMPTY, user.pagesPerConvertingSession);
        }

        @Test
        void pagesEnteredInAnEarlierSessionAreNotTimed() {
            apply(pageEnter("order").session("s1"), T0);
            apply(order("o1", "10.00").session("s2"), t(min(2)));
            assertTrue(user.timeToOrder.isEmpty());
        }
    }

    // --- sessions --------------------------------------------------------------------------------

    @Nested
    class Sessions {

        @Test
        void theFirstAppEventStartsASession() {
            assertNull(user.session);
            apply(pageEnter("home").session("s1"), T0);
            assertEquals("s1", user.session.id);
            assertEquals(T0, user.session.startedAt);
            assertEquals(1, user.session.pagesViewed);
            assertEquals("home", user.session.lastPage);
        }

        @Test
        void aNewSessionIdStartsANewSession() {
            apply(pageEnter("home").session("s1"), T0);
            apply(pageEnter("merchant").session("s1"), t(sec(5)));
            Session first = user.session;
            apply(pageEnter("product").session("s2"), t(sec(10)));
            assertNotSame(first, user.session);
            assertEquals("s2", user.session.id);
            assertEquals(1, user.session.pagesViewed);
        }

        @Test
        void eventsWithoutSessionIdStayInTheCurrentSession() {
            apply(pageEnter("home").session("s1"), T0);
            apply(pageEnter("merchant"), t(sec(5)));
            assertEquals("s1", user.session.id);
            assertEquals(2, user.session.pagesViewed);
        }

        @Test
        void appOpenStartsASessionEvenWithTheSameId() {
            apply(pageEnter("home").session("s1"), T0);
            apply(pageEnter("order").session("s1"), t(sec(5)));
            Session before = user.session;
            apply(userEvent("app_open").session("s1"), t(sec(30)));
            assertNotSame(before, user.session);
            assertEquals(0, user.session.pagesViewed);
            assertTrue(user.session.watchedEnteredAt.isEmpty());
            assertEquals(t(sec(30)), user.session.startedAt);
        }

        @Test
        void thirtyMinutesOfInactivityStartsASession() {
            apply(pageEnter("home"), T0);
            apply(pageEnter("merchant"), t(min(29)));
            Session same = user.session;
            assertEquals(2, same.pagesViewed);
            apply(pageEnter("order"), t(min(29).plus(min(31))));
            assertNotSame(same, user.session);
            assertEquals(1, user.session.pagesViewed);
        }

        @Test
        void nonAppEventsDoNotKeepAnIdleSessionAlive() {
            apply(pageEnter("order"), T0);
            apply(userEvent("message_delivered").with("messageId", "m1"), t(min(240)));
            apply(pageEnter("home"), t(min(245)));
            assertEquals(t(min(245)), user.session.startedAt, "4 hours without app activity: a new session");
            apply(order("o1", "10.00"), t(min(246)));
            assertEquals(Map.of("home", new Tally(1, 60_000)), user.timeToOrder);
        }

        @Test
        void appLeaveMarksTheSessionLeftAndAPageEnterClearsIt() {
            apply(pageEnter("home"), T0);
            apply(userEvent("app_leave"), t(sec(40)));
            assertTrue(user.session.leftApp);
            assertEquals(t(sec(40)), user.session.leftAt);
            Session session = user.session;
            apply(pageEnter("merchant"), t(min(2)));
            assertSame(session, user.session, "coming back within the timeout is the same session");
            assertFalse(user.session.leftApp);
            assertEquals(2, user.session.pagesViewed);
        }

        @Test
        void nonAppEventsDoNotOpenASession() {
            apply(userEvent("profile_updated").with("name", "Li"));
            apply(userEvent("consent_updated").with("channel", "sms").with("optedIn", true));
            apply(userEvent("message_delivered").with("messageId", "m1"));
            apply(userEvent("transaction").with("amount", "10"));
            assertNull(user.session);
        }

        @Test
        void watchedPageEntriesAreKeptPerPageKindLastEntryWins() {
            apply(pageEnter("order"), T0);
            apply(pageEnter("home"), t(sec(5)));
            apply(pageEnter("order"), t(sec(9)));
            apply(pageEnter("coupon"), t(sec(12)));
            assertEquals(Map.of("order", t(sec(9)), "home", t(sec(5))), user.session.watchedEnteredAt);
        }

        @Test
        void lastSeenIsTheNewestEventTime() {
            apply(pageEnter("home"), t(min(5)));
            apply(pageEnter("home"), t(min(3)));
            assertEquals(t(min(5)), user.lastSeenAt);
        }
    }

    // --- logins (B1) -----------------------------------------------------------------------------

    @Nested
    class Logins {

        @Test
        void loginsAreCountedPerDayInThePolicyTimeZone() {
            apply(userEvent("login"), Instant.parse("2026-11-21T17:00:00Z")); // 22 Nov in Shanghai
            apply(userEvent("login"), Instant.parse("2026-11-22T09:00:00Z")); // 22 Nov
            apply(userEvent("login"), Instant.parse("2026-11-22T16:30:00Z")); // 23 Nov
            assertEquals(new TreeMap<>(Map.of(LocalDate.of(2026, 11, 22), 2, LocalDate.of(2026, 11, 23), 1)),
                    user.loginsByDay);
            assertEquals(Instant.parse("2026-11-22T16:30:00Z"), user.lastLoginAt);
        }

        @Test
        void loginDaysOutsideTheDormancyWindowAreDropped() {
            apply(userEvent("login"), T0);
            apply(userEvent("login"), T0.plus(Duration.ofDays(3)));
            apply(userEvent("login"), T0.plus(Duration.ofDays(8)));
            assertEquals(List.of(LocalDate.of(2026, 11, 25), LocalDate.of(2026, 11, 30)),
                    List.copyOf(user.loginsByDay.keySet()));
        }

        @Test
        void aLoginExactlySevenDaysBeforeTheLatestIsOutsideTheWindowAndDropped() {
            apply(userEvent("login"), T0);
            apply(userEvent("login"), T0.plus(Duration.ofDays(7)));
            assertEquals(List.of(LocalDate.of(2026, 11, 29)), List.copyOf(user.loginsByDay.keySet()));
        }

        @Test
        void aLateLoginOlderThanTheWindowDoesNotLinger() {
            apply(userEvent("login"), T0);
            apply(userEvent("login"), T0.minus(Duration.ofDays(30)));
            assertEquals(List.of(LocalDate.of(2026, 11, 22)), List.copyOf(user.loginsByDay.keySet()));
            assertEquals(T0, user.lastLoginAt);
        }
    }

    // --- profile, consent, messages, transactions ------------------------------------------------

    @Nested
    class ProfileAndCounters {

        @Test
        void profileUpdatesMergeAndExplicitNullClears() {
            apply(userEvent("profile_updated").with("name", "Li Lei").with("phone", "+8613800000000")
                    .with("lat", 41.3).with("categories", List.of("steel")));
            apply(userEvent("profile_updated").with("phone", null).with("email", "li@example.com")
                    .with("tradeFrequency", 12));
            assertEquals(Map.of("name", "Li Lei", "email", "li@example.com", "lat", 41.3,
                    "categories", List.of("steel"), "tradeFrequency", 12), user.profile);
            assertEquals("Li Lei", user.profileText("name"));
            assertNull(user.profileText("phone"));
            assertNull(user.profileText("lat"), "not text");
        }

        @Test
        void consentIsKeptPerChannelLatestWins() {
            apply(userEvent("consent_updated").with("channel", "sms").with("optedIn", false));
            apply(userEvent("consent_updated").with("channel", "push").with("optedIn", true));
            assertEquals(Map.of("sms", false, "push", true), user.consent);
            apply(userEvent("consent_updated").with("channel", "sms").with("optedIn", true));
            assertEquals(Map.of("sms", true, "push", true), user.consent);
        }

        @Test
        void messageFeedbackIsCounted() {
            apply(userEvent("message_delivered").with("messageId", "m1"), T0);
            apply(userEvent("message_delivered").with("messageId", "m2"), T0);
            apply(userEvent("message_read").with("messageId", "m1"), t(min(1)));
            apply(userEvent("message_clicked").with("messageId", "m1"), t(min(3)));
            apply(userEvent("message_clicked").with("messageId", "m2"), t(min(2)));
            assertEquals(2, user.messagesDelivered);
            assertEquals(1, user.messagesRead);
            assertEquals(2, user.messagesClicked);
            assertEquals(t(min(3)), user.lastMessageClickAt);
        }

        @Test
        void transactionsAreCountedWithAmountAndLastDeal() {
            apply(userEvent("transaction").with("amount", "3200.00").with("siteId", "s1"), t(min(5)));
            apply(userEvent("transaction").with("amount", 150), T0);
            assertEquals(2, user.transactions);
            assertMoney("3350.00", user.transactionAmount);
            assertEquals(t(min(5)), user.lastDealAt);
        }

        @Test
        void clicksAndLogoutChangeNoCounters() {
            apply(userEvent("click").with("target", "banner"));
            apply(userEvent("logout"));
            assertEquals(0, user.orders);
            assertEquals(0, user.messagesClicked);
            assertTrue(user.loginsByDay.isEmpty());
            assertEquals(T0, user.lastSeenAt);
        }

        @Test
        void stateSurvivesTheCodecRoundTrip() {
            apply(userEvent("register"), T0);
            apply(pageEnter("order").session("s1"), t(sec(5)));
            apply(cartAdd("sku-1", "9.90", 2, "m1"), t(sec(10)));
            apply(userEvent("login"), t(sec(12)));
            apply(userEvent("profile_updated").with("phone", "+86138").with("lat", 1.5), t(sec(13)));
            apply(order("o1", "19.80"), t(sec(20)));
            apply(userEvent("consent_updated").with("channel", "sms").with("optedIn", false), t(sec(25)));
            user.remember("e1", 48);
            UserState copy = StateCodec.fromBytes(StateCodec.toBytes(user), UserState.class);
            assertEquals(StateCodec.toJson(user), StateCodec.toJson(copy));
            assertTrue(copy.hasSeen("e1"), "event fingerprints survive too");
            assertFalse(copy.hasSeen("e2"));
        }
    }

    // --- event-id fingerprints (producer retries) ------------------------------------------------

    @Nested
    class Fingerprints {

        @Test
        void remembersTheLatestWindowOfEventIds() {
            for (int i = 0; i < 10; i++) {
                user.remember("e" + i, 4);
            }
            for (int i = 0; i < 6; i++) {
                assertFalse(user.hasSeen("e" + i), "e" + i + " is older than the window");
            }
            for (int i = 6; i < 10; i++) {
                assertTrue(user.hasSeen("e" + i), "e" + i);
            }
        }

        @Test
        void aZeroWindowRemembersNothing() {
            user.remember("e1", 0);
            assertFalse(user.hasSeen("e1"));
        }

        @Test
        void fingerprintsSurviveTheCodec() {
            user.remember("evt-\u00e9\u4e2d", POLICY.ingest().dedupWindow());
            UserState copy = StateCodec.fromBytes(StateCodec.toBytes(user), UserState.class);
            assertTrue(copy.hasSeen("evt-\u00e9\u4e2d"));
            assertFalse(copy.hasSeen("evt-e"));
        }
    }
}
