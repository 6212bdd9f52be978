package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.Tally;
import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A2: page defaults, learned per-user durations and their bounds. */
class TimerRuleTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    /** 10:00 in Asia/Shanghai. */
    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");

    /** A user who, in separate sessions an hour apart, entered {@code page} and ordered after each duration. */
    private static UserState convertedFrom(String page, Duration... timesToOrder) {
        UserBuilder b = UserBuilder.of("u1", POLICY, T0);
        for (Duration toOrder : timesToOrder) {
            b.then("app_open").after(Duration.ofSeconds(1)).page(page).after(toOrder).order("30.00")
                    .after(Duration.ofHours(1));
        }
        return b.state();
    }

    private static Duration sec(long s) {
        return Duration.ofSeconds(s);
    }

    @Test
    void pageDefaultsForANewUser() {
        UserState fresh = UserState.newUser("u1");
        assertEquals(sec(45), TimerRule.duration(fresh, "order", POLICY));
        assertEquals(sec(60), TimerRule.duration(fresh, "home", POLICY));
        assertEquals(sec(90), TimerRule.duration(fresh, "merchant", POLICY));
        assertEquals(sec(90), TimerRule.duration(fresh, "product", POLICY));
    }

    @Test
    void merchantAndProductPagesWaitLongerThanTheOrderPage() {
        UserState fresh = UserState.newUser("u1");
        Duration order = TimerRule.duration(fresh, "order", POLICY);
        assertTrue(TimerRule.duration(fresh, "merchant", POLICY).compareTo(order) > 0);
        assertTrue(TimerRule.duration(fresh, "product", POLICY).compareTo(order) > 0);
    }

    @Test
    void threeConversionsLearnTheAverageTimesTheFactor() {
        UserState user = convertedFrom("order", sec(100), sec(100), sec(100));
        assertEquals(3, user.timeToOrder.get("order").count());
        assertEquals(sec(90), TimerRule.duration(user, "order", POLICY));
    }

    @Test
    void learnedDurationUsesTheAverageOfUnevenConversions() {
        UserState user = convertedFrom("order", sec(60), sec(90), sec(120)); // avg 90 s
        assertEquals(Duration.ofMillis(81_000), TimerRule.duration(user, "order", POLICY));
    }

    @Test
    void fourConversionsStillLearned() {
        UserState user = convertedFrom("merchant", sec(100), sec(200), sec(300), sec(400)); // avg 250 s
        assertEquals(Duration.ofMillis(225_000), TimerRule.duration(user, "merchant", POLICY));
    }

    @Test
    void twoConversionsKeepThePageDefault() {
        UserState user = convertedFrom("order", sec(100), sec(100));
        assertEquals(2, user.timeToOrder.get("order").count());
        assertEquals(sec(45), TimerRule.duration(user, "order", POLICY));
    }

    @Test
    void shortLearnedDurationIsRaisedToTheMinimum() {
        UserState user = convertedFrom("order", sec(10), sec(10), sec(10)); // 9 s learned
        assertEquals(sec(15), TimerRule.duration(user, "order", POLICY));
    }

    @Test
    void longLearnedDurationIsCappedAtTheMaximum() {
        Duration twenty = Duration.ofMinutes(20);
        UserState user = convertedFrom("product", twenty, twenty, twenty); // 18 min learned
        assertEquals(3, user.timeToOrder.get("product").count());
        assertEquals(Duration.ofMinutes(10), TimerRule.duration(user, "product", POLICY));
    }

    @Test
    void learnedDurationExactlyAtABoundIsKept() {
        UserState user = UserState.newUser("u1");
        user.timeToOrder.put("order", new Tally(3, 3 * 600_000 / 0.9)); // avg x 0.9 = exactly 10 min
        assertEquals(Duration.ofMinutes(10), TimerRule.duration(user, "order", POLICY));
        user.timeToOrder.put("order", new Tally(3, 3 * 15_000 / 0.9)); // exactly 15 s
        assertEquals(sec(15), TimerRule.duration(user, "order", POLICY));
    }

    @Test
    void conversionsAreLearnedPerPageKind() {
        UserState user = convertedFrom("order", sec(100), sec(100), sec(100));
        assertEquals(sec(90), TimerRule.duration(user, "order", POLICY));
        assertEquals(sec(90), TimerRule.duration(user, "merchant", POLICY), "merchant keeps its default");
        assertEquals(sec(60), TimerRule.duration(user, "home", POLICY), "home keeps its default");
    }

    @Test
    void everyWatchedPageOfAConvertingSessionLearnsItsOwnTimeToOrder() {
        UserBuilder b = UserBuilder.of("u1", POLICY, T0);
        for (int i = 0; i < 3; i++) {
            b.then("app_open").page("merchant").after(sec(40)).page("order").after(sec(60)).order("30.00")
                    .after(Duration.ofHours(1));
        }
        UserState user = b.state();
        assertEquals(sec(90), TimerRule.duration(user, "merchant", POLICY)); // 100 s x 0.9
        assertEquals(sec(54), TimerRule.duration(user, "order", POLICY)); // 60 s x 0.9
    }

    @Test
    void aSecondOrderWithoutReEnteringThePageIsNoConversion() {
        UserBuilder b = UserBuilder.of("u1", POLICY, T0);
        b.then("app_open").page("order").after(sec(100)).order("30.00").after(sec(100)).order("20.00")
                .after(sec(100)).order("10.00");
        assertEquals(1, b.state().timeToOrder.get("order").count());
        assertEquals(sec(45), TimerRule.duration(b.state(), "order", POLICY));
    }

    @Test
    void theFactorComesFromThePolicy() {
        Policy.LearnedTimer l = POLICY.recall().learnedTimer();
        Policy.Recall r = POLICY.recall();
        Policy halfFactor = Policies.withRecall(POLICY, new Policy.Recall(r.watchedPages(),
                new Policy.LearnedTimer(l.minConversions(), 0.5, l.min(), l.max()), r.pagesThenLeft(),
                r.highCartValue(), r.combination(), r.churnModel(), r.resourceGate(), r.coupon(), r.channels(),
                r.timerQueueMaxDelay(), r.messages()));
        UserState user = convertedFrom("order", sec(100), sec(100), sec(100));
        assertEquals(sec(50), TimerRule.duration(user, "order", halfFactor));
    }
}
