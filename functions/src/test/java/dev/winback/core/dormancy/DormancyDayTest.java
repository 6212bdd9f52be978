package dev.winback.core.dormancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.UserState;
import dev.winback.testing.DormancyPolicies;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** B1, B2, B6: the day a user becomes dormant (the key of the dormant-cohort index), SegmentRules.dormantFrom. */
class DormancyDayTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    private static final Policy THRESHOLD_2 = DormancyPolicies.withThreshold(POLICY, 2);

    private static LocalDate day(String iso) {
        return LocalDate.parse(iso);
    }

    /** A user who logged in once at each of {@code instants} (in order), under {@code policy}. */
    private static UserState loggedIn(Policy policy, String... instants) {
        UserBuilder builder = UserBuilder.of("u1", policy, Instant.parse(instants[0]));
        for (String at : instants) {
            builder.at(Instant.parse(at)).then("login");
        }
        return builder.state();
    }

    /** What ingestion does after each batch: fold the held day through dormantFrom. */
    private static LocalDate afterEachLogin(Policy policy, String... instants) {
        UserBuilder builder = UserBuilder.of("u1", policy, Instant.parse(instants[0]));
        LocalDate held = null;
        for (String at : instants) {
            builder.at(Instant.parse(at)).then("login");
            held = SegmentRules.dormantFrom(builder.state(), held, policy);
        }
        return held;
    }

    // --- threshold 0 (default) ---------------------------------------------------------------------

    @Test
    void defaultThresholdIsTheLastLoginDayPlusTheWindow() {
        assertEquals(0, POLICY.dormancy().threshold());
        assertEquals(7, POLICY.dormancy().window().toDays());
        UserState user = loggedIn(POLICY, "2026-11-22T02:00:00Z");
        assertEquals(day("2026-11-29"), SegmentRules.dormantFrom(user, null, POLICY));
    }

    @Test
    void theLoginDayIsTakenInThePolicyTimeZone() {
        // 17:00 UTC on the 21st is 01:00 on the 22nd in Asia/Shanghai.
        UserState user = loggedIn(POLICY, "2026-11-21T17:00:00Z");
        assertEquals(day("2026-11-29"), SegmentRules.dormantFrom(user, null, POLICY));
        // 15:59 UTC on the 21st is still 23:59 on the 21st there.
        UserState earlier = loggedIn(POLICY, "2026-11-21T15:59:00Z");
        assertEquals(day("2026-11-28"), SegmentRules.dormantFrom(earlier, null, POLICY));
    }

    @Test
    void theLatestOfSeveralLoginsCounts() {
        UserState user = loggedIn(POLICY, "2026-11-20T02:00:00Z", "2026-11-22T02:00:00Z", "2026-11-24T02:00:00Z");
        assertEquals(day("2026-12-01"), SegmentRules.dormantFrom(user, null, POLICY));
    }

    @Test
    void theDayIsNotAtOrBeforeTheLastLoginSoTheUserIsNotDormantRightAfterLoggingIn() {
        UserState user = loggedIn(POLICY, "2026-11-22T15:59:59Z"); // 23:59:59 on the 22nd in Shanghai
        LocalDate from = SegmentRules.dormantFrom(user, null, POLICY);
        assertEquals(day("2026-11-29"), from);
        // B1/B2 agree: on the day before, the login is in the window; on the day itself it is not.
        assertEquals(1, SegmentRules.loginsInWindow(user, from.minusDays(1), POLICY));
        assertEquals(0, SegmentRules.loginsInWindow(user, from, POLICY));
    }

    @Test
    void aNewLoginMovesTheDayForward() {
        UserState user = loggedIn(POLICY, "2026-11-22T02:00:00Z");
        LocalDate first = SegmentRules.dormantFrom(user, null, POLICY);
        assertEquals(day("2026-11-29"), first);
        // Coming back on the 26th leaves the episode that would begin on the 29th.
        UserState back = loggedIn(POLICY, "2026-11-22T02:00:00Z", "2026-11-26T02:00:00Z");
        assertEquals(day("2026-12-03"), SegmentRules.dormantFrom(back, first, POLICY));
        // ... and so does a login after the user became dormant (a new episode begins later).
        UserState returned = loggedIn(POLICY, "2026-11-22T02:00:00Z", "2026-12-10T02:00:00Z");
        assertEquals(day("2026-12-17"), SegmentRules.dormantFrom(returned, first, POLICY));
        assertEquals(day("2026-12-17"), afterEachLogin(POLICY, "2026-11-22T02:00:00Z", "2026-12-10T02:00:00Z"));
    }

    @Test
    void aLateLoginFromBeforeTheLatestDoesNotMoveTheDayBack() {
        UserState user = loggedIn(POLICY, "2026-11-26T02:00:00Z", "2026-11-22T02:00:00Z");
        assertEquals(day("2026-12-03"), SegmentRules.dormantFrom(user, day("2026-12-03"), POLICY));
    }

    // --- registration, nothing ----------------------------------------------------------------------

    @Test
    void aUserWhoNeverLoggedInCountsFromRegistration() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-21T17:00:00Z")).then("register").state();
        assertEquals(day("2026-11-29"), SegmentRules.dormantFrom(user, null, POLICY));
    }

    @Test
    void aLoginReplacesTheRegistrationDay() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-20T02:00:00Z")).then("register")
                .at(Instant.parse("2026-11-23T02:00:00Z")).then("login").state();
        assertEquals(day("2026-11-30"), SegmentRules.dormantFrom(user, day("2026-11-27"), POLICY));
    }

    @Test
    void aUserWithNeitherLoginNorRegistrationHasNoDay() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-22T02:00:00Z"))
                .then("app_open").page("home").state();
        assertNull(SegmentRules.dormantFrom(user, null, POLICY));
        assertNull(SegmentRules.dormantFrom(UserState.newUser("nobody"), null, POLICY));
    }

    // --- threshold 2 -----------------------------------------------------------------------------------

    @Test
    void withThresholdTwoTheThirdMostRecentLoginCounts() {
        UserState user = loggedIn(THRESHOLD_2,
                "2026-11-20T02:00:00Z", "2026-11-22T02:00:00Z", "2026-11-24T02:00:00Z");
        assertEquals(day("2026-11-27"), SegmentRules.dormantFrom(user, null, THRESHOLD_2));
        // On the 27th the login of the 20th has left the window: 2 logins ≤ threshold 2.
        assertEquals(3, SegmentRules.loginsInWindow(user, day("2026-11-26"), THRESHOLD_2));
        assertEquals(2, SegmentRules.loginsInWindow(user, day("2026-11-27"), THRESHOLD_2));
    }

    @Test
    void withThresholdTwoSeveralLoginsOnOneDayEachCount() {
        UserState twoOnThe22nd = loggedIn(THRESHOLD_2,
                "2026-11-22T02:00:00Z", "2026-11-22T05:00:00Z", "2026-11-24T02:00:00Z");
        assertEquals(day("2026-11-29"), SegmentRules.dormantFrom(twoOnThe22nd, null, THRESHOLD_2));
        UserState threeOnThe24th = loggedIn(THRESHOLD_2,
                "2026-11-20T02:00:00Z", "2026-11-24T02:00:00Z", "2026-11-24T03:00:00Z", "2026-11-24T04:00:00Z");
        assertEquals(day("2026-12-01"), SegmentRules.dormantFrom(threeOnThe24th, null, THRESHOLD_2));
    }

    @Test
    void withTooFewLoginsInTheWindowTheHeldDayStays() {
        UserState user = loggedIn(THRESHOLD_2, "2026-11-22T02:00:00Z", "2026-11-24T02:00:00Z");
        // Only 2 logins ≤ threshold: the user is dormant now, the episode began earlier.
        assertEquals(day("2026-11-10"), SegmentRules.dormantFrom(user, day("2026-11-10"), THRESHOLD_2));
        assertNull(SegmentRules.dormantFrom(user, null, THRESHOLD_2));
    }

    @Test
    void withThresholdTwoAContinuouslyDormantUserKeepsTheEpisodeDay() {
        // Logins on the 1st, 2nd, 3rd: dormant from the 8th. Logging in on the 9th and the 10th keeps
        // 2 logins in the window each day, so the user never stops being dormant: same episode.
        assertEquals(day("2026-11-08"), afterEachLogin(THRESHOLD_2,
                "2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z"));
        assertEquals(day("2026-11-08"), afterEachLogin(THRESHOLD_2,
                "2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z",
                "2026-11-09T02:00:00Z"));
        assertEquals(day("2026-11-08"), afterEachLogin(THRESHOLD_2,
                "2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z",
                "2026-11-09T02:00:00Z", "2026-11-10T02:00:00Z"));
        // A third login within the window ends the episode: the next one begins 7 days after the 9th.
        assertEquals(day("2026-11-16"), afterEachLogin(THRESHOLD_2,
                "2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z",
                "2026-11-09T02:00:00Z", "2026-11-10T02:00:00Z", "2026-11-11T02:00:00Z"));
    }

    @Test
    void heldDayWinsOverRegistrationWhenTheWindowHoldsTooFewLogins() {
        UserState user = UserBuilder.of("u1", THRESHOLD_2, Instant.parse("2026-11-01T02:00:00Z")).then("register")
                .at(Instant.parse("2026-11-20T02:00:00Z")).then("login").state();
        assertEquals(day("2026-11-08"), SegmentRules.dormantFrom(user, day("2026-11-08"), THRESHOLD_2));
    }
}
