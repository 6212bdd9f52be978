package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The final filter (C6), the coupon within budget (A8) and the send, each at most once per decision. */
class RecallerTest {

    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-11-22");
    private static final String PHONE = "+8613800001111";
    private static final String ENDPOINT = "arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/app/abc";
    private static final List<String> REASONS = List.of("intent_low", "value_high");

    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private final RecordingChannels recording = new RecordingChannels(() -> T0);
    private final FakeNotifier notifier = new FakeNotifier();
    private final FakeWallet wallet = new FakeWallet();
    private Policy policy = Policies.DEFAULTS;
    private OptOutList optOuts = recording;

    // --- fakes and helpers -----------------------------------------------------------------------

    /** Records what it sends; refuses the channels in {@link #refusing}. */
    static final class FakeNotifier implements Notifier {
        final Set<String> refusing = Collections.synchronizedSet(new HashSet<>());
        final ConcurrentLinkedQueue<Message> sent = new ConcurrentLinkedQueue<>();
        final List<String> attempts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void send(Message message) {
            attempts.add(message.channel());
            if (refusing.contains(message.channel())) {
                throw new DeliveryException(message.channel() + " refused", null);
            }
            sent.add(message);
        }

        List<Message> sent() {
            return List.copyOf(sent);
        }
    }

    /** Counts coupon notices; fails while {@link #failing}. */
    static final class FakeWallet implements CouponPublisher {
        volatile boolean failing;
        final List<String> published = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(String couponId, String decisionId, String userId, BigDecimal amount, String kind, Instant at) {
            if (failing) {
                throw new IllegalStateException("wallet topic unavailable");
            }
            published.add(couponId + ":" + amount.toPlainString() + ":" + kind);
        }
    }

    private Recaller recaller() {
        return new Recaller(policy, optOuts, ledgers, ledgers, ledgers, notifier, wallet);
    }

    /** A user with a push endpoint and a phone. */
    private static UserBuilder reachable(String userId) {
        return UserBuilder.of(userId, Policies.DEFAULTS, T0.minusSeconds(60)).profile("pushEndpoint", ENDPOINT)
                .profile("phone", PHONE);
    }

    private static UserBuilder phoneOnly(String userId) {
        return UserBuilder.of(userId, Policies.DEFAULTS, T0.minusSeconds(60)).profile("phone", PHONE);
    }

    /** A decision stamped {@code at} (as DeadlineCheck stamps the timer's due time). */
    private static Recaller.Request request(String decisionId, String trigger, UserState user, String cart, Instant at) {
        return new Recaller.Request(decisionId, trigger, at, user, new BigDecimal(cart), REASONS, Map.of("k", "v"));
    }

    /** A first attempt: decided as soon as it is due. */
    private Decision recall(String decisionId, UserState user, String cart, Instant now) {
        return recaller().recall(request(decisionId, "deadline", user, cart, now), now);
    }

    /** The same decision (same id, same stamp {@code at}) run again at {@code now}. */
    private Decision retry(String decisionId, UserState user, String cart, Instant at, Instant now) {
        return recaller().recall(request(decisionId, "deadline", user, cart, at), now);
    }

    private static void assertSuppressed(Decision d, String reason) {
        assertEquals(Outcome.SUPPRESSED, d.outcome(), d.toString());
        assertEquals(reason, d.reasons().get(d.reasons().size() - 1), d.reasons().toString());
        assertNull(d.coupon());
        assertEquals(List.of(), d.channels());
    }

    private static void assertSent(Decision d, String amount, String channel) {
        assertEquals(Outcome.SENT, d.outcome(), d.toString());
        assertEquals(new Decision.Reward(new BigDecimal(amount), "coupon"), d.coupon());
        assertEquals(List.of(channel), d.channels());
    }

    private static Instant hours(long h) {
        return T0.plus(Duration.ofHours(h));
    }

    // --- the happy path --------------------------------------------------------------------------

    @Test
    void sendsTheCouponOnTheFirstChannel() {
        UserState user = reachable("u1").state();
        Decision d = recall("d1", user, "68.00", T0);
        assertSent(d, "6.80", "push");
        assertEquals("d1", d.decisionId());
        assertEquals("u1", d.userId());
        assertEquals("deadline", d.trigger());
        assertEquals(T0, d.at(), "stamped with the request's time");
        assertEquals(REASONS, d.reasons());
        assertEquals(Map.of("k", "v"), d.details());

        assertEquals(1, notifier.sent().size());
        Notifier.Message message = notifier.sent().get(0);
        assertEquals("push", message.channel());
        assertEquals(ENDPOINT, message.address());
        assertEquals("d1", message.decisionId());
        assertEquals("u1", message.userId());
        assertEquals("您有一张6.80元优惠券已到账，完成下单即可使用。", message.text());

        assertEquals(1, ledgers.coupons().size());
        assertEquals(new BigDecimal("6.80"), ledgers.coupons().get(0).amount());
        assertEquals("u1", ledgers.coupons().get(0).userId());
        assertEquals(List.of(ledgers.coupons().get(0).couponId() + ":6.80:coupon"), wallet.published);
    }

    @Test
    void theMessageIsInTheUsersLanguage() {
        UserState user = phoneOnly("u1").profile("locale", "en-US").state();
        assertSent(recall("d1", user, "0", T0), "5.00", "sms");
        assertEquals("A 5.00 coupon is waiting in your account: finish your order to use it.",
                notifier.sent().get(0).text());
        assertEquals(PHONE, notifier.sent().get(0).address());
    }

    // --- quiet hours, consent --------------------------------------------------------------------

    @Nested
    class FinalFilter {

        /**
         * The control group is drawn after every filter: a held-out user is one who would have been
         * messaged, so treated and held-out users are alike. A held-out user with no reachable
         * channel is recorded for that reason, and the held-out decision takes the cap slot the message
         * would have taken, so both groups' decisions are spaced alike.
         */
        @Test
        void theHoldoutIsDrawnAmongUsersWhoPassedTheFilterAndTakesTheCapLikeAMessage() {
            String heldOut = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "h" + i)
                    .filter(id -> Holdout.isHeldOut(id, "deadline", 0.05)).findFirst().orElseThrow();
            UserState unreachable = UserBuilder.of(heldOut, Policies.DEFAULTS, T0.minusSeconds(60)).state();
            assertSuppressed(recall("d0", unreachable, "68.00", T0), "no_channel");

            UserState reachable = reachable(heldOut).state();
            assertSuppressed(recall("d1", reachable, "68.00", T0), "holdout");
            assertEquals(List.of(), notifier.sent());
            assertEquals(List.of(), wallet.published);
            assertFalse(ledgers.reserve(heldOut, "other-trigger", T0.plusSeconds(60), 1, 3),
                    "the held-out decision took the day's one message, as a sent one would have");
        }

        @Test
        void aListedUserGetsNothingAndTakesNoCapOrBudget() {
            Recaller listing = new Recaller(policy, optOuts, ledgers, ledgers, ledgers, notifier, wallet, "u1"::equals);
            UserState listed = reachable("u1").state();

            assertSuppressed(listing.recall(request("d1", "deadline", listed, "68.00", T0), T0), "suppression_list");
            assertEquals(List.of(), notifier.sent());
            assertEquals(List.of(), wallet.published);
            assertSent(listing.recall(request("d2", "deadline", reachable("u2").state(), "68.00", T0), T0), "6.80", "push");
            // Taken off the list, the same user gets the day's one message: the listed decision used no cap.
            assertSent(recall("d3", listed, "68.00", T0), "6.80", "push");
        }

        @Test
        void quietHoursSuppressWithoutCouponSendOrCap() {
            UserState user = reachable("u1").state();
            Instant night = Instant.parse("2026-11-22T15:00:00Z"); // 23:00 in Shanghai
            Decision d = recall("d1", user, "68.00", night);
            assertSuppressed(d, "quiet_hours");
            assertEquals(List.of("intent_low", "value_high", "quiet_hours"), d.reasons());
            assertTrue(ledgers.coupons().isEmpty());
            assertTrue(notifier.attempts.isEmpty());
            assertTrue(wallet.published.isEmpty());
            // 09:00 the next morning, 10 h later: no cap was used
            assertSent(recall("d2", user, "68.00", Instant.parse("2026-11-23T01:00:00Z")), "6.80", "push");
        }

        @Test
        void quietHoursFollowTheUsersZone() {
            UserState london = reachable("u1").profile("timezone", "Europe/London").state();
            Instant shanghaiNight = Instant.parse("2026-11-22T15:00:00Z"); // 15:00 in London
            assertSent(recall("d1", london, "68.00", shanghaiNight), "6.80", "push");
        }

        @Test
        void noAddressIsNoChannel() {
            UserState user = UserBuilder.of("u1", policy, T0).profile("email", "a@example.com").state();
            assertSuppressed(recall("d1", user, "68.00", T0), "no_channel");
            assertTrue(ledgers.coupons().isEmpty());
        }

        @Test
        void consentWithdrawnIsOptedOut() {
            UserState user = phoneOnly("u1").consent("sms", false).state();
            assertSuppressed(recall("d1", user, "68.00", T0), "opted_out");
            assertTrue(ledgers.coupons().isEmpty());
            assertTrue(notifier.attempts.isEmpty());
        }

        @Test
        void marketingWithdrawnIsOptedOut() {
            assertSuppressed(recall("d1", reachable("u1").consent("marketing", false).state(), "68.00", T0), "opted_out");
        }

        @Test
        void aPhoneThatRepliedStopIsOptedOut() {
            optOuts = phone -> phone.equals(PHONE);
            assertSuppressed(recall("d1", phoneOnly("u1").state(), "68.00", T0), "opted_out");
        }

        @Test
        void aSuppressedDecisionUsesNoCap() {
            UserState optedOut = phoneOnly("u1").consent("sms", false).state();
            assertSuppressed(recall("d1", optedOut, "68.00", T0), "opted_out");
            UserState optedIn = phoneOnly("u1").state();
            assertSent(recall("d2", optedIn, "68.00", T0.plusSeconds(60)), "6.80", "sms");
        }
    }

    // --- frequency caps --------------------------------------------------------------------------

    @Nested
    class FrequencyCaps {

        private final UserState user = reachable("u1").state();

        @Test
        void oneRecallPer24HoursAcrossTriggers() {
            assertSent(recall("d1", user, "68.00", T0), "6.80", "push");
            Decision second = recaller().recall(request("d2", "churn", user, "68.00", hours(1)), hours(1));
            assertSuppressed(second, "frequency_cap");
            assertEquals("churn", second.trigger());
            assertSuppressed(recall("d3", user, "68.00", hours(23)), "frequency_cap");
            assertEquals(1, ledgers.coupons().size(), "a capped decision issues no coupon");
            assertEquals(1, notifier.sent().size());
            assertSent(recall("d4", user, "68.00", hours(24)), "6.80", "push");
        }

        @Test
        void threeRecallsPer7Days() {
            assertSent(recall("d1", user, "68.00", T0), "6.80", "push");
            assertSent(recaller().recall(request("d2", "churn", user, "68.00", hours(24)), hours(24)), "6.80", "push");
            assertSent(recall("d3", user, "68.00", hours(48)), "6.80", "push");
            assertSuppressed(recall("d4", user, "68.00", hours(72)), "frequency_cap");
            assertSuppressed(recall("d5", user, "68.00", hours(7 * 24 - 1)), "frequency_cap");
            assertSent(recall("d6", user, "68.00", hours(7 * 24)), "6.80", "push"); // d1 has left the window
            assertEquals(4, notifier.sent().size());
        }

        @Test
        void capsArePerUser() {
            assertSent(recall("d1", user, "68.00", T0), "6.80", "push");
            assertSent(recall("d2", reachable("u2").state(), "68.00", hours(1)), "6.80", "push");
        }
    }

    // --- budget ----------------------------------------------------------------------------------

    @Nested
    class Budget {

        @Test
        void theLastCouponOfTheDayIsWhatRemainsAndThenNone() {
            policy = Policies.withDailyBudget(Policies.DEFAULTS, "10.00");
            assertSent(recall("d1", reachable("u1").state(), "68.00", T0), "6.80", "push");
            assertSent(recall("d2", reachable("u2").state(), "68.00", hours(1)), "3.20", "push");
            assertTrue(notifier.sent().get(1).text().contains("3.20"), notifier.sent().get(1).text());

            UserState u3 = reachable("u3").state();
            Decision third = recall("d3", u3, "68.00", hours(2));
            assertSuppressed(third, "budget");
            assertEquals(new BigDecimal("10.00"), ledgers.spent(DAY));
            assertEquals(2, ledgers.coupons().size());
            assertEquals(2, notifier.sent().size());
            assertEquals(2, wallet.published.size());

            // later the same day: another user finds no budget either, the sent users stay capped
            assertSuppressed(recall("d4", reachable("u4").state(), "68.00", hours(3)), "budget");
            assertSuppressed(recall("d5", reachable("u1").state(), "68.00", hours(3)), "frequency_cap");
            // u3's reservation was given back: the next morning (23 h later, a new budget day) u3 is recalled
            assertSent(recall("d6", u3, "68.00", hours(23)), "6.80", "push");
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY.plusDays(1)));
        }

        @Test
        void aRemainderBelowTheMinimumIsNoCoupon() {
            policy = Policies.withDailyBudget(Policies.DEFAULTS, "8.80");
            assertSent(recall("d1", reachable("u1").state(), "68.00", T0), "6.80", "push");
            assertSuppressed(recall("d2", reachable("u2").state(), "68.00", T0), "budget"); // 2.00 left < 3.00
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY));
        }

        @Test
        void aRemainderOfExactlyTheMinimumIsGranted() {
            policy = Policies.withDailyBudget(Policies.DEFAULTS, "9.80");
            assertSent(recall("d1", reachable("u1").state(), "68.00", T0), "6.80", "push");
            assertSent(recall("d2", reachable("u2").state(), "68.00", T0), "3.00", "push");
            assertEquals(new BigDecimal("9.80"), ledgers.spent(DAY));
        }

        @Test
        void budgetDaysFollowThePolicyZone() {
            policy = Policies.withDailyBudget(Policies.DEFAULTS, "10.00");
            // London users, so neither moment is quiet for them: 23:00 and 00:30 in Shanghai
            UserState u1 = reachable("u1").profile("timezone", "Europe/London").state();
            UserState u2 = reachable("u2").profile("timezone", "Europe/London").state();
            assertSent(recall("d1", u1, "68.00", Instant.parse("2026-11-22T15:00:00Z")), "6.80", "push");
            assertSent(recall("d2", u2, "68.00", Instant.parse("2026-11-22T16:30:00Z")), "6.80", "push");
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY));
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY.plusDays(1)));
        }

        @Test
        void concurrentDecisionsNeverPassTheBudget() throws Exception {
            policy = Policies.withoutHoldout(Policies.withDailyBudget(Policies.DEFAULTS, "50.00"));
            int users = 64;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Decision>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < users; i++) {
                    UserState user = reachable("u" + i).state();
                    String id = "d" + i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return recall(id, user, "68.00", T0);
                    }));
                }
                start.countDown();
                BigDecimal granted = BigDecimal.ZERO;
                int sent = 0;
                for (Future<Decision> f : futures) {
                    Decision d = f.get();
                    if (d.outcome() == Outcome.SENT) {
                        sent++;
                        granted = granted.add(d.coupon().amount());
                    } else {
                        assertEquals("budget", d.reasons().get(d.reasons().size() - 1));
                    }
                }
                assertTrue(ledgers.spent(DAY).compareTo(new BigDecimal("50.00")) <= 0, ledgers.spent(DAY).toString());
                assertEquals(0, granted.compareTo(ledgers.spent(DAY)));
                assertEquals(sent, notifier.sent().size());
                assertEquals(sent, ledgers.coupons().size());
                // 7 coupons of 6.80 fit in 50.00; the 2.40 left is below the 3.00 minimum
                assertEquals(7, sent);
                assertEquals(new BigDecimal("47.60"), granted);
            }
        }
    }

    // --- exactly once under retries -------------------------------------------------------------

    @Nested
    class Retries {

        @Test
        void aRetriedDecisionIssuesAndSendsNothingTwice() {
            UserState user = reachable("u1").state();
            Decision first = recall("d1", user, "68.00", T0);
            Decision again = retry("d1", user, "68.00", T0, T0.plusSeconds(30));
            assertSent(first, "6.80", "push");
            assertEquals(first.coupon(), again.coupon());
            assertEquals(first.at(), again.at());
            assertEquals(first.channels(), again.channels());
            assertEquals(Outcome.SENT, again.outcome());
            assertEquals(1, ledgers.coupons().size());
            assertEquals(1, notifier.sent().size());
            assertEquals(1, notifier.attempts.size());
            assertEquals(1, wallet.published.size());
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY));
        }

        @Test
        void aRetryAfterTheBudgetShrankKeepsItsCoupon() {
            policy = Policies.withDailyBudget(Policies.DEFAULTS, "10.00");
            UserState u1 = reachable("u1").state();
            assertSent(recall("d1", u1, "68.00", T0), "6.80", "push");
            assertSent(recall("d2", reachable("u2").state(), "68.00", T0), "3.20", "push");
            assertSent(retry("d1", u1, "68.00", T0, T0.plusSeconds(5)), "6.80", "push");
            assertEquals(new BigDecimal("10.00"), ledgers.spent(DAY));
            assertEquals(2, notifier.sent().size());
        }

        @Test
        void aRefusedPushFallsBackToSms() {
            notifier.refusing.add("push");
            UserState user = reachable("u1").state();
            Decision d = recall("d1", user, "68.00", T0);
            assertSent(d, "6.80", "sms");
            assertEquals(List.of("push", "sms"), notifier.attempts);
            assertEquals(1, notifier.sent().size());
            assertEquals(PHONE, notifier.sent().get(0).address());

            // a retry while push still refuses: push is tried again, the SMS is not sent again
            assertSent(retry("d1", user, "68.00", T0, T0.plusSeconds(10)), "6.80", "sms");
            assertEquals(1, notifier.sent().size());
            assertEquals(1, wallet.published.size());
        }

        /**
         * The first attempt sent by SMS after push refused; the timer is delivered again (at least once)
         * and push works now. The decision already reached the user: nothing more may go out.
         */
        @Test
        void aRetryAfterAFallbackSendsNothingMoreWhenTheFirstChannelRecovers() {
            notifier.refusing.add("push");
            UserState user = reachable("u1").state();
            assertSent(recall("d1", user, "68.00", T0), "6.80", "sms");

            notifier.refusing.clear();
            Decision again = retry("d1", user, "68.00", T0, T0.plusSeconds(10));
            assertEquals(Outcome.SENT, again.outcome());
            assertEquals(1, notifier.sent().size(), "one decision, one message: " + notifier.sent());
        }

        @Test
        void everyChannelRefusingAsksForARetryThatThenSendsOnce() {
            notifier.refusing.addAll(List.of("push", "sms"));
            UserState user = reachable("u1").state();
            assertThrows(Recaller.RetryLaterException.class, () -> recall("d1", user, "68.00", T0));
            assertTrue(notifier.sent().isEmpty());
            assertEquals(1, ledgers.coupons().size(), "the coupon stays issued");
            assertEquals(1, wallet.published.size());

            notifier.refusing.clear();
            Decision d = retry("d1", user, "68.00", T0, T0.plusSeconds(30));
            assertSent(d, "6.80", "push");
            assertEquals(1, notifier.sent().size());
            assertEquals(1, ledgers.coupons().size());
            assertEquals(1, wallet.published.size(), "the wallet hears of the coupon once");
            assertEquals(new BigDecimal("6.80"), ledgers.spent(DAY));

            retry("d1", user, "68.00", T0, T0.plusSeconds(60));
            assertEquals(1, notifier.sent().size());
        }

        @Test
        void aRetryAfterAllRefusedIsNotFrequencyCapped() {
            notifier.refusing.addAll(List.of("push", "sms"));
            UserState user = reachable("u1").state();
            assertThrows(Recaller.RetryLaterException.class, () -> recall("d1", user, "68.00", T0));
            notifier.refusing.clear();
            assertSent(retry("d1", user, "68.00", T0, hours(2)), "6.80", "push");
            assertSuppressed(recall("d2", user, "68.00", hours(3)), "frequency_cap");
        }

        @Test
        void aWalletFailureSendsNothingAndTheRetrySendsOnce() {
            wallet.failing = true;
            UserState user = reachable("u1").state();
            assertThrows(Recaller.RetryLaterException.class, () -> recall("d1", user, "68.00", T0));
            assertTrue(notifier.attempts.isEmpty(), "nothing tells the user of a coupon the wallet does not know");
            assertTrue(wallet.published.isEmpty());

            wallet.failing = false;
            assertSent(retry("d1", user, "68.00", T0, T0.plusSeconds(30)), "6.80", "push");
            assertEquals(1, wallet.published.size());
            assertEquals(1, notifier.sent().size());
            assertEquals(1, ledgers.coupons().size());

            retry("d1", user, "68.00", T0, T0.plusSeconds(60));
            assertEquals(1, wallet.published.size());
            assertEquals(1, notifier.sent().size());
        }

        /**
         * A timer message delivered again after its decision was sent (SQS redelivery) may run after
         * 22:00 when the first run was just before. The effects are not repeated, but the decision that
         * gets recorded again (decision logs overwrite by decision id) must still say what happened.
         */
        @Test
        void aRetryOfASentDecisionInQuietHoursStillReportsItSent() {
            UserState user = reachable("u1").state();
            Instant justBefore = Instant.parse("2026-11-22T13:59:30Z"); // 21:59:30 in Shanghai
            assertSent(recall("d1", user, "68.00", justBefore), "6.80", "push");
            Decision again = retry("d1", user, "68.00", justBefore, justBefore.plusSeconds(60)); // 22:00:30
            assertSent(again, "6.80", "push");
            assertEquals(1, notifier.sent().size());
        }
    }
}
