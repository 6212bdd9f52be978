package dev.winback.core.dormancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.dormancy.DormantReminders.ShardReport;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.Recaller;
import dev.winback.testing.DormancyPolicies;
import dev.winback.testing.IngestedUsers;
import dev.winback.testing.Policies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * B1–B6 and C6 for the dormant scan: which users a run finds (by cohort day), the series of
 * reminders per episode, the channel order, the final filter (consent, quiet hours deferred, caps
 * across triggers), idempotence per run, and the reminder text (custom mailbox content or the
 * policy's default in the user's language). State is filled through StreamIngest; the index is
 * the in-memory store's cohort index.
 */
class DormantRemindersTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    private static final int SHARDS = POLICY.dormancy().indexShards();
    /** The run day: 7 days after LAST_LOGIN's day in Asia/Shanghai. */
    private static final LocalDate RUN = LocalDate.parse("2026-11-29");
    /** 10:00 Asia/Shanghai on RUN: when the default schedule fires. */
    private static final Instant SCAN = Instant.parse("2026-11-29T02:00:00Z");
    /** 10:00 Asia/Shanghai on 2026-11-22. */
    private static final String LAST_LOGIN = "2026-11-22T02:00:00Z";
    private static final String AFTER_LOGIN = "2026-11-22T02:01:00Z";

    private static final String ZH_TEXT = POLICY.dormancy().messages().get("default");
    private static final String EN_TEXT = POLICY.dormancy().messages().get("en");

    private final IngestedUsers users = new IngestedUsers(POLICY);
    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private Instant clock = SCAN;
    private final RecordingChannels channels = new RecordingChannels(() -> clock);
    private final List<ReminderMessage.Deferred> deferrals = new ArrayList<>();
    private final ReminderDeferral deferral = (reminder, notBefore) ->
            deferrals.add(new ReminderMessage.Deferred(reminder, notBefore));
    private ContentMailbox mailbox = Optional::empty;
    private Notifier notifier = channels;
    private OptOutList optOuts = channels;

    // --- helpers ---------------------------------------------------------------------------------

    private DormantReminders reminders() {
        return reminders(POLICY);
    }

    private DormantReminders reminders(Policy policy) {
        return new DormantReminders(policy, users.store().cohortIndex(), users.store(), mailbox, optOuts, ledgers,
                new Delivery(ledgers, notifier), channels, deferral);
    }

    /** 10:00 Asia/Shanghai on {@code day}. */
    private static Instant scanOf(LocalDate day) {
        return day.atTime(10, 0).atZone(ZoneId.of("Asia/Shanghai")).toInstant();
    }

    /** Every shard of the run on {@code day}, at {@code now}; the reports summed. */
    private ShardReport runAll(DormantReminders reminders, LocalDate day, Instant now) {
        clock = now;
        int found = 0, sent = 0, suppressed = 0, deferred = 0, decided = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            ShardReport report = reminders.runShard(day, shard, now);
            found += report.found();
            sent += report.sent();
            suppressed += report.suppressed();
            deferred += report.deferred();
            decided += report.alreadyDecided();
        }
        return new ShardReport(found, sent, suppressed, deferred, decided);
    }

    private ShardReport runAll(LocalDate day) {
        return runAll(reminders(), day, scanOf(day));
    }

    /** A user whose last login was LAST_LOGIN (dormant from RUN), with {@code profile} fields. */
    private void dormant(String userId, Map<String, ?> profile) {
        users.login(userId, LAST_LOGIN);
        if (!profile.isEmpty()) {
            users.profile(userId, AFTER_LOGIN, profile);
        }
    }

    private void dormantOnWeCom(String userId) {
        dormant(userId, Map.of("wecomId", "wc-" + userId, "phone", "+86138" + Math.abs(userId.hashCode() % 100_000_000),
                "email", userId + "@example.com"));
    }

    private List<Notifier.Message> sentTo(String userId) {
        return channels.sent().stream().map(RecordingChannels.Sent::message).filter(m -> m.userId().equals(userId))
                .toList();
    }

    private Notifier.Message onlyMessageTo(String userId) {
        List<Notifier.Message> messages = sentTo(userId);
        assertEquals(1, messages.size(), "messages to " + userId + ": " + messages);
        return messages.getFirst();
    }

    private Decision decisionOf(String userId, LocalDate cohortDay, int number) {
        String id = new Reminder(userId, cohortDay, number).decisionId();
        return channels.decisions().stream().filter(d -> d.decisionId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no decision " + id + " among " + channels.decisions()));
    }

    /** Two user ids in the same index shard, in index (key) order. */
    private static List<String> twoIdsInOneShard() {
        Map<Integer, String> firstByShard = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String id = "p" + i;
            String other = firstByShard.putIfAbsent(DormantCohorts.shard(id, SHARDS), id);
            if (other != null) {
                return other.compareTo(id) < 0 ? List.of(other, id) : List.of(id, other);
            }
        }
    }

    /** Delegates to {@code target}, throwing {@code error} for the first {@code times} messages matching {@code when}. */
    private static Notifier failing(Notifier target, Predicate<Notifier.Message> when, int times,
                                    Supplier<RuntimeException> error) {
        int[] left = {times};
        return message -> {
            if (left[0] > 0 && when.test(message)) {
                left[0]--;
                throw error.get();
            }
            target.send(message);
        };
    }

    private static Supplier<RuntimeException> refused() {
        return () -> new Notifier.DeliveryException("provider refused", null);
    }

    // --- which cohorts a run reads -----------------------------------------------------------------

    @Test
    void aRunReadsItsDayAndWholeCoolDownsBeforeItUpToTheEpisodeCap() {
        assertEquals(List.of(RUN, RUN.minusDays(7), RUN.minusDays(14)), reminders().cohortDays(RUN));
        assertEquals(List.of(RUN), reminders(DormancyPolicies.withMaxPerEpisode(POLICY, 1)).cohortDays(RUN));
        assertEquals(List.of(RUN, RUN.minusDays(7), RUN.minusDays(14), RUN.minusDays(21), RUN.minusDays(28)),
                reminders(DormancyPolicies.withMaxPerEpisode(POLICY, 5)).cohortDays(RUN));
    }

    // --- the series of reminders of one episode ----------------------------------------------------

    @Nested
    class Episode {

        @Test
        void aUserLastSeenSevenDaysAgoGetsTheFirstReminderOnTheRunDay() {
            dormantOnWeCom("u1");
            assertEquals(new ShardReport(0, 0, 0, 0, 0), runAll(RUN.minusDays(1)));
            assertTrue(channels.sent().isEmpty());

            ShardReport report = runAll(RUN);
            assertEquals(new ShardReport(1, 1, 0, 0, 0), report);
            Notifier.Message message = onlyMessageTo("u1");
            assertEquals("wecom", message.channel());
            assertEquals("wc-u1", message.address());
            assertEquals(new Reminder("u1", RUN, 0).decisionId(), message.decisionId());

            Decision decision = decisionOf("u1", RUN, 0);
            assertEquals("dormant", decision.trigger());
            assertEquals(Decision.Outcome.SENT, decision.outcome());
            assertEquals(List.of("wecom"), decision.channels());
            assertEquals(List.of("dormant"), decision.reasons());
            assertEquals(SCAN, decision.at());
            assertNull(decision.coupon());
            assertEquals(RUN.toString(), decision.details().get("cohortDay"));
            assertEquals(1, decision.details().get("reminder"));
        }

        @Test
        void theSecondAndThirdRemindersComeOneCoolDownApartThenNothing() {
            dormantOnWeCom("u1");
            assertEquals(1, runAll(RUN).sent());
            for (int day = 1; day < 7; day++) {
                assertEquals(0, runAll(RUN.plusDays(day)).found(), "day +" + day);
            }
            ShardReport second = runAll(RUN.plusDays(7));
            assertEquals(new ShardReport(1, 1, 0, 0, 0), second);
            ShardReport third = runAll(RUN.plusDays(14));
            assertEquals(new ShardReport(1, 1, 0, 0, 0), third);
            // The per-episode cap (3): the run three cool-downs later reads no cohort holding the user.
            assertEquals(new ShardReport(0, 0, 0, 0, 0), runAll(RUN.plusDays(21)));
            assertEquals(new ShardReport(0, 0, 0, 0, 0), runAll(RUN.plusDays(28)));

            List<Notifier.Message> messages = sentTo("u1");
            assertEquals(3, messages.size());
            assertEquals(List.of(new Reminder("u1", RUN, 0).decisionId(), new Reminder("u1", RUN, 1).decisionId(),
                    new Reminder("u1", RUN, 2).decisionId()), messages.stream().map(Notifier.Message::decisionId).toList());
            assertEquals(2, decisionOf("u1", RUN, 1).details().get("reminder"));
            assertEquals(3, decisionOf("u1", RUN, 2).details().get("reminder"));
            assertEquals(scanOf(RUN.plusDays(7)), decisionOf("u1", RUN, 1).at());
            assertEquals(scanOf(RUN.plusDays(14)), decisionOf("u1", RUN, 2).at());
            // B6 cool-down: never two reminders within 7 days.
            List<Instant> times = channels.sent().stream().map(RecordingChannels.Sent::at).toList();
            for (int i = 1; i < times.size(); i++) {
                assertFalse(Duration.between(times.get(i - 1), times.get(i)).compareTo(Duration.ofDays(7)) < 0);
            }
        }

        @Test
        void aUserWhoComesBackLeavesTheEpisode() {
            dormantOnWeCom("u1");
            assertEquals(1, runAll(RUN).sent());
            users.login("u1", "2026-11-30T03:00:00Z"); // back the next day: dormant again from Dec 7
            assertEquals(0, runAll(RUN.plusDays(7)).found());
            assertEquals(0, runAll(RUN.plusDays(14)).found());
            assertEquals(1, sentTo("u1").size());
            // A new episode begins on Dec 7 and starts its own series (8 days after the last reminder).
            assertEquals(new ShardReport(1, 1, 0, 0, 0), runAll(LocalDate.parse("2026-12-07")));
            assertEquals(new Reminder("u1", LocalDate.parse("2026-12-07"), 0).decisionId(),
                    sentTo("u1").get(1).decisionId());
        }

        @Test
        void aUserWhoLoggedInBeforeTheScanIsNotFound() {
            dormantOnWeCom("u1");
            users.login("u1", "2026-11-29T01:00:00Z"); // 09:00 Shanghai on the run day
            assertEquals(new ShardReport(0, 0, 0, 0, 0), runAll(RUN));
            assertTrue(channels.sent().isEmpty());
        }

        @Test
        void onlyTheUsersWhoseCohortIsDueAreRead() {
            dormantOnWeCom("due");
            users.login("active", "2026-11-27T02:00:00Z").profile("active", "2026-11-27T02:01:00Z",
                    Map.of("phone", "+8613800000002"));
            users.login("older", "2026-11-20T02:00:00Z").profile("older", "2026-11-20T02:01:00Z",
                    Map.of("phone", "+8613800000003")); // dormant since Nov 27: its first reminder was due then
            users.register("registered", "2026-11-22T03:00:00Z");
            users.profile("registered", "2026-11-22T03:01:00Z", Map.of("email", "r@example.com"));
            ShardReport report = runAll(RUN);
            assertEquals(2, report.found());
            assertEquals(2, report.sent());
            assertEquals("wecom", onlyMessageTo("due").channel());
            assertEquals("email", onlyMessageTo("registered").channel());
            assertTrue(sentTo("active").isEmpty());
            assertTrue(sentTo("older").isEmpty());
        }
    }

    // --- channels and consent (B3, C6) -------------------------------------------------------------

    @Nested
    class Channels {

        @Test
        void channelOrderIsWeComThenSmsThenEmailByWhatTheUserHas() {
            assertEquals(List.of("wecom", "sms", "email"), POLICY.dormancy().channels());
            dormant("all", Map.of("wecomId", "wc-all", "phone", "+8613800000001", "email", "all@example.com"));
            dormant("phoneMail", Map.of("phone", "+8613800000002", "email", "pm@example.com"));
            dormant("mailOnly", Map.of("email", "mail@example.com"));
            dormant("wecomOnly", Map.of("wecomId", "wc-only"));
            assertEquals(new ShardReport(4, 4, 0, 0, 0), runAll(RUN));
            assertEquals("wecom", onlyMessageTo("all").channel());
            assertEquals("sms", onlyMessageTo("phoneMail").channel());
            assertEquals("+8613800000002", onlyMessageTo("phoneMail").address());
            assertEquals("email", onlyMessageTo("mailOnly").channel());
            assertEquals("mail@example.com", onlyMessageTo("mailOnly").address());
            assertEquals("wecom", onlyMessageTo("wecomOnly").channel());
            assertEquals(List.of("sms"), decisionOf("phoneMail", RUN, 0).channels());
        }

        @Test
        void anOptOutOfTheFirstChannelFallsToTheNext() {
            dormant("u1", Map.of("wecomId", "wc-u1", "phone", "+8613800000001", "email", "u1@example.com"));
            users.consent("u1", "2026-11-23T02:00:00Z", "wecom", false);
            dormant("u2", Map.of("phone", "+8613800000002", "email", "u2@example.com"));
            users.consent("u2", "2026-11-23T02:00:00Z", "sms", false);
            assertEquals(2, runAll(RUN).sent());
            assertEquals("sms", onlyMessageTo("u1").channel());
            assertEquals("email", onlyMessageTo("u2").channel());
        }

        @Test
        void aUserOnTheSuppressionListIsNotReminded() {
            dormantOnWeCom("listed");
            dormantOnWeCom("u2");
            DormantReminders listing = new DormantReminders(POLICY, users.store().cohortIndex(), users.store(), mailbox,
                    optOuts, ledgers, new Delivery(ledgers, notifier), channels, deferral, "listed"::equals);

            assertEquals(new ShardReport(2, 1, 1, 0, 0), runAll(listing, RUN, scanOf(RUN)));
            assertEquals(List.of("dormant", "suppression_list"), decisionOf("listed", RUN, 0).reasons());
            assertTrue(sentTo("listed").isEmpty());
            assertEquals("wecom", onlyMessageTo("u2").channel());
        }

        @Test
        void aPhoneOnTheCarrierStopListFallsToEmail() {
            optOuts = phone -> phone.equals("+8613800000001");
            dormant("u1", Map.of("phone", "+8613800000001", "email", "u1@example.com"));
            assertEquals(1, runAll(RUN).sent());
            assertEquals("email", onlyMessageTo("u1").channel());
        }

        @Test
        void nothingReachableIsSuppressedWithTheReason() {
            dormant("none", Map.of());
            dormant("pushOnly", Map.of("pushEndpoint", "arn:aws:sns:push-endpoint")); // not a reminder channel
            dormant("optedOut", Map.of("phone", "+8613800000001"));
            users.consent("optedOut", "2026-11-23T02:00:00Z", "sms", false);
            dormant("withdrewAll", Map.of("wecomId", "wc-w", "email", "w@example.com"));
            users.consent("withdrewAll", "2026-11-23T02:00:00Z", "all", false);

            assertEquals(new ShardReport(4, 0, 4, 0, 0), runAll(RUN));
            assertTrue(channels.sent().isEmpty());
            for (String user : List.of("none", "pushOnly", "optedOut", "withdrewAll")) {
                Decision decision = decisionOf(user, RUN, 0);
                assertEquals("dormant", decision.trigger(), user);
                assertEquals(Decision.Outcome.SUPPRESSED, decision.outcome(), user);
                assertEquals(SCAN, decision.at(), user);
                assertEquals(List.of(), decision.channels(), user);
            }
            assertEquals(List.of("dormant", "no_channel"), decisionOf("none", RUN, 0).reasons());
            assertEquals(List.of("dormant", "no_channel"), decisionOf("pushOnly", RUN, 0).reasons());
            assertEquals(List.of("dormant", "opted_out"), decisionOf("optedOut", RUN, 0).reasons());
            assertEquals(List.of("dormant", "opted_out"), decisionOf("withdrewAll", RUN, 0).reasons());
            // A suppressed reminder holds no frequency-cap touch: another trigger may still reach the user.
            assertTrue(ledgers.reserve("none", "recall-1", SCAN.plusSeconds(60), 1, 3));
        }
    }

    // --- quiet hours (C6): deferred, not dropped ---------------------------------------------------

    @Nested
    class QuietHoursDeferral {

        @Test
        void theScanTimeIsInsideQuietHoursInBerlinButNotInNewYorkOrLosAngeles() {
            // Guards the choice of zones below: 02:00 UTC on Nov 29 is 03:00 in Berlin (CET),
            // 21:00 the evening before in New York (EST), 18:00 in Los Angeles (PST).
            assertEquals(3, SCAN.atZone(ZoneId.of("Europe/Berlin")).getHour());
            assertEquals(21, SCAN.atZone(ZoneId.of("America/New_York")).getHour());
            assertEquals(18, SCAN.atZone(ZoneId.of("America/Los_Angeles")).getHour());
            assertEquals(23, SCAN.atZone(ZoneId.of("America/Sao_Paulo")).getHour());
        }

        @Test
        void aUserInQuietHoursIsDeferredToTheirEndAndNothingIsSentAtScanTime() {
            dormant("berlin", Map.of("wecomId", "wc-b", "timezone", "Europe/Berlin"));
            ShardReport report = runAll(RUN);
            assertEquals(new ShardReport(1, 0, 0, 1, 0), report);
            assertTrue(channels.sent().isEmpty());
            assertTrue(channels.decisions().isEmpty(), "a deferral decides nothing yet");
            // 08:00 in Berlin = 07:00 UTC.
            assertEquals(List.of(new ReminderMessage.Deferred(new Reminder("berlin", RUN, 0),
                    Instant.parse("2026-11-29T07:00:00Z"))), deferrals);
        }

        @Test
        void quietHoursSpanningMidnightEndTheNextLocalMorning() {
            dormant("saopaulo", Map.of("phone", "+5511900000000", "timezone", "America/Sao_Paulo"));
            assertEquals(1, runAll(RUN).deferred());
            // 23:00 on the 28th in São Paulo: quiet until 08:00 on the 29th = 11:00 UTC.
            assertEquals(Instant.parse("2026-11-29T11:00:00Z"), deferrals.getFirst().notBefore());
        }

        @Test
        void usersOutsideTheirQuietHoursAreRemindedAtOnce() {
            dormant("newyork", Map.of("wecomId", "wc-ny", "timezone", "America/New_York"));
            dormant("losangeles", Map.of("wecomId", "wc-la", "timezone", "America/Los_Angeles"));
            dormant("badzone", Map.of("wecomId", "wc-bad", "timezone", "Mars/Olympus")); // falls back to Shanghai
            assertEquals(new ShardReport(3, 3, 0, 0, 0), runAll(RUN));
            assertTrue(deferrals.isEmpty());
        }

        @Test
        void theDeferredReminderIsSentOnceWhenQuietHoursEnd() {
            dormant("berlin", Map.of("wecomId", "wc-b", "timezone", "Europe/Berlin", "locale", "de-DE"));
            runAll(RUN);
            ReminderMessage.Deferred deferred = deferrals.getFirst();

            clock = deferred.notBefore();
            Optional<Decision> decision = reminders().deliverDeferred(deferred.reminder(), deferred.notBefore());
            assertTrue(decision.isPresent());
            assertEquals(Decision.Outcome.SENT, decision.get().outcome());
            assertEquals("dormant", decision.get().trigger());
            assertEquals(SCAN, decision.get().at(), "stamped with the run that owed it");
            assertEquals(deferred.notBefore().toString(), decision.get().details().get("decidedAt"));
            Notifier.Message message = onlyMessageTo("berlin");
            assertEquals("wecom", message.channel());
            assertEquals(deferred.reminder().decisionId(), message.decisionId());
            assertEquals(deferred.notBefore(), channels.sent().getFirst().at());

            // Delivered again (a redelivered schedule) or the run retried: nothing more goes out.
            Optional<Decision> again = reminders().deliverDeferred(deferred.reminder(), deferred.notBefore().plusSeconds(30));
            assertEquals(decision, again);
            assertEquals(new ShardReport(1, 0, 0, 0, 1), runAll(reminders(), RUN, deferred.notBefore().plusSeconds(60)));
            assertEquals(1, channels.sent().size());
        }

        @Test
        void aRetriedRunDefersAgainButTheReminderStillGoesOnce() {
            dormant("berlin", Map.of("wecomId", "wc-b", "timezone", "Europe/Berlin"));
            runAll(RUN);
            runAll(reminders(), RUN, SCAN.plusSeconds(120));
            assertEquals(2, deferrals.size());
            for (ReminderMessage.Deferred deferred : deferrals) {
                clock = deferred.notBefore();
                assertTrue(reminders().deliverDeferred(deferred.reminder(), deferred.notBefore()).isPresent());
            }
            assertEquals(1, channels.sent().size());
        }

        @Test
        void aDeferredReminderArrivingStillInQuietHoursWaitsAgain() {
            dormant("berlin", Map.of("wecomId", "wc-b", "timezone", "Europe/Berlin"));
            runAll(RUN);
            Reminder reminder = deferrals.getFirst().reminder();
            Instant early = Instant.parse("2026-11-29T06:30:00Z"); // 07:30 in Berlin
            assertEquals(Optional.empty(), reminders().deliverDeferred(reminder, early));
            assertTrue(channels.sent().isEmpty());
            assertEquals(2, deferrals.size());
            assertEquals(Instant.parse("2026-11-29T07:00:00Z"), deferrals.get(1).notBefore());
        }

        @Test
        void aDeferredReminderForAUserWhoCameBackSendsNothing() {
            dormant("berlin", Map.of("wecomId", "wc-b", "timezone", "Europe/Berlin"));
            runAll(RUN);
            ReminderMessage.Deferred deferred = deferrals.getFirst();
            users.login("berlin", "2026-11-29T05:30:00Z"); // 06:30 in Berlin, before quiet hours end
            clock = deferred.notBefore();
            assertEquals(Optional.empty(), reminders().deliverDeferred(deferred.reminder(), deferred.notBefore()));
            assertTrue(channels.sent().isEmpty());
            assertTrue(channels.decisions().isEmpty());
        }

        @Test
        void aDeferredReminderForAnUnknownUserSendsNothing() {
            Reminder reminder = new Reminder("ghost", RUN, 0);
            assertEquals(Optional.empty(), reminders().deliverDeferred(reminder, Instant.parse("2026-11-29T07:00:00Z")));
            assertTrue(channels.sent().isEmpty());
        }
    }

    // --- frequency caps across triggers (C6) -------------------------------------------------------

    @Nested
    class FrequencyCaps {

        @Test
        void anInSessionRecallWithin24HoursSuppressesTheReminder() {
            dormantOnWeCom("u1");
            var caps = POLICY.messaging().frequencyCaps();
            assertTrue(ledgers.reserve("u1", "rc-in-session", SCAN.minus(Duration.ofHours(20)), caps.perDay(),
                    caps.perWeek()));
            assertEquals(new ShardReport(1, 0, 1, 0, 0), runAll(RUN));
            assertTrue(channels.sent().isEmpty());
            Decision decision = decisionOf("u1", RUN, 0);
            assertEquals(Decision.Outcome.SUPPRESSED, decision.outcome());
            assertEquals(List.of("dormant", "frequency_cap"), decision.reasons());
            assertEquals("dormant", decision.trigger());
        }

        @Test
        void aRecallMoreThan24HoursBeforeLeavesRoom() {
            dormantOnWeCom("u1");
            assertTrue(ledgers.reserve("u1", "rc-old", SCAN.minus(Duration.ofHours(25)), 1, 3));
            assertEquals(1, runAll(RUN).sent());
        }

        @Test
        void theReminderCountsAgainstTheCapsOfOtherTriggers() {
            dormantOnWeCom("u1");
            assertEquals(1, runAll(RUN).sent());
            assertFalse(ledgers.reserve("u1", "rc-after", SCAN.plus(Duration.ofHours(3)), 1, 3));
            assertTrue(ledgers.reserve("u1", "rc-next-day", SCAN.plus(Duration.ofHours(25)), 1, 3));
        }

        @Test
        void theTouchCountsFromWhenTheReminderWentNotFromTheScheduledRun() {
            dormantOnWeCom("u1");
            Instant late = Instant.parse("2026-11-30T01:00:00Z"); // 09:00 Shanghai, the day after: a delayed run
            assertEquals(1, runAll(reminders(), RUN, late).sent());
            assertEquals(SCAN, decisionOf("u1", RUN, 0).at());
            // An in-session recall two hours after the reminder went out must hit the 24-hour cap.
            assertFalse(ledgers.reserve("u1", "rc-after-late-run", late.plus(Duration.ofHours(2)), 1, 3));
        }
    }

    // --- idempotence per run -----------------------------------------------------------------------

    @Nested
    class Idempotence {

        @Test
        void runningTheSameShardsTwiceSendsEachReminderOnce() {
            dormantOnWeCom("u1");
            dormant("u2", Map.of("phone", "+8613800000002"));
            dormant("u3", Map.of("email", "u3@example.com"));
            dormant("u4", Map.of()); // suppressed no_channel
            assertEquals(new ShardReport(4, 3, 1, 0, 0), runAll(RUN));
            assertEquals(new ShardReport(4, 0, 0, 0, 4), runAll(reminders(), RUN, SCAN.plus(Duration.ofMinutes(5))));
            assertEquals(3, channels.sent().size());
            assertEquals(4, channels.decisions().size());
        }

        @Test
        void aRefusedFirstChannelFallsToTheNextAndARetrySendsNothingMore() {
            notifier = failing(channels, m -> m.channel().equals("wecom"), 1, refused());
            dormantOnWeCom("u1");
            assertEquals(1, runAll(RUN).sent());
            assertEquals("sms", onlyMessageTo("u1").channel());
            assertEquals(List.of("sms"), decisionOf("u1", RUN, 0).channels());
            assertEquals(1, runAll(reminders(), RUN, SCAN.plusSeconds(60)).alreadyDecided());
            assertEquals(1, channels.sent().size());
        }

        @Test
        void whenEveryChannelRefusesTheShardIsRetriedAndThenSendsOnce() {
            List<String> ids = twoIdsInOneShard();
            String first = ids.get(0), second = ids.get(1);
            int shard = DormantCohorts.shard(first, SHARDS);
            dormant(first, Map.of("phone", "+8613800000001"));
            dormant(second, Map.of("wecomId", "wc-2", "email", "two@example.com"));
            notifier = failing(channels, m -> m.userId().equals(second), 2, refused());

            assertThrows(Recaller.RetryLaterException.class, () -> reminders().runShard(RUN, shard, SCAN));
            assertEquals(1, channels.sent().size(), "the first user of the shard went out");
            assertTrue(channels.decisions().stream().noneMatch(d -> d.userId().equals(second)),
                    "nothing decided for the refused reminder");

            ShardReport retry = reminders().runShard(RUN, shard, SCAN.plusSeconds(90));
            assertEquals(new ShardReport(2, 1, 0, 0, 1), retry);
            assertEquals(1, sentTo(first).size());
            assertEquals("wecom", onlyMessageTo(second).channel(), "the freed first channel is tried again");
            assertEquals(SCAN, decisionOf(second, RUN, 0).at());
        }

        @Test
        void aChannelThatFailedWithAnUnknownOutcomeIsNeverUsedTwice() {
            // A timeout: the WeCom message may have gone. The retry must not send it again anywhere.
            notifier = failing(channels, m -> m.channel().equals("wecom"), 1,
                    () -> new IllegalStateException("read timed out"));
            dormantOnWeCom("u1");
            int shard = DormantCohorts.shard("u1", SHARDS);
            assertThrows(IllegalStateException.class, () -> reminders().runShard(RUN, shard, SCAN));
            ShardReport retry = reminders().runShard(RUN, shard, SCAN.plusSeconds(60));
            assertEquals(1, retry.sent());
            assertTrue(channels.sent().isEmpty(), "no second message on sms or email");
            assertEquals(List.of("wecom"), decisionOf("u1", RUN, 0).channels());
            reminders().runShard(RUN, shard, SCAN.plusSeconds(120));
            assertTrue(channels.sent().isEmpty());
        }

        @Test
        void decisionsKeepTheRunsScheduledTimeWhateverNowIs() {
            dormantOnWeCom("u1");
            dormant("u2", Map.of());
            Instant late = Instant.parse("2026-11-29T05:30:00Z"); // 13:30 Shanghai, a delayed run
            runAll(reminders(), RUN, late);
            assertEquals(SCAN, decisionOf("u1", RUN, 0).at());
            assertEquals(late.toString(), decisionOf("u1", RUN, 0).details().get("decidedAt"));
            assertEquals(SCAN, decisionOf("u2", RUN, 0).at());

            Instant nextDay = Instant.parse("2026-12-07T01:00:00Z"); // the Dec 6 run, retried the next morning
            runAll(reminders(), RUN.plusDays(7), nextDay);
            assertEquals(scanOf(RUN.plusDays(7)), decisionOf("u1", RUN, 1).at());
            assertEquals(Instant.parse("2026-12-06T02:00:00Z"), decisionOf("u1", RUN, 1).at());
        }
    }

    // --- reminder content (B5) and language --------------------------------------------------------

    @Nested
    class Content {

        private final Notifier.Attachment pdf = new Notifier.Attachment("offers.pdf", "application/pdf",
                "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));

        private void custom(String text, String link, Notifier.Attachment attachment) {
            ReminderContent content = new ReminderContent(text, link, attachment, "mailbox/2026-11-28/offer.txt",
                    Instant.parse("2026-11-28T09:00:00Z"));
            mailbox = () -> Optional.of(content);
        }

        @Test
        void theDefaultTextIsThePolicysInTheUsersLanguage() {
            dormant("zh", Map.of("wecomId", "wc-zh", "locale", "zh-CN"));
            dormant("plain", Map.of("wecomId", "wc-plain"));
            dormant("en", Map.of("wecomId", "wc-en", "locale", "en-US"));
            dormant("enUnderscore", Map.of("wecomId", "wc-en2", "locale", "en_GB"));
            runAll(RUN);
            assertEquals(ZH_TEXT, onlyMessageTo("zh").text());
            assertEquals(ZH_TEXT, onlyMessageTo("plain").text());
            assertEquals(EN_TEXT, onlyMessageTo("en").text());
            assertEquals(EN_TEXT, onlyMessageTo("enUnderscore").text());
            assertEquals("好久不见", onlyMessageTo("zh").attributes().get("subject"));
            assertEquals("We miss you", onlyMessageTo("en").attributes().get("subject"));
            assertNull(onlyMessageTo("en").attachment());
            assertNull(decisionOf("en", RUN, 0).details().get("content"));
        }

        @Test
        void theMailboxTextReplacesTheDefaultWithTheLinkFilledIn() {
            custom("双十二预热：{link} 回来看看", "https://cdn.example.com/offers.pdf", pdf);
            dormant("u1", Map.of("email", "u1@example.com", "locale", "en-US"));
            runAll(RUN);
            Notifier.Message message = onlyMessageTo("u1");
            assertEquals("双十二预热：https://cdn.example.com/offers.pdf 回来看看", message.text());
            assertSame(pdf, message.attachment());
            assertEquals("mailbox/2026-11-28/offer.txt", decisionOf("u1", RUN, 0).details().get("content"));
        }

        @Test
        void theLinkIsAppendedWhenTheTextHasNoPlaceholder() {
            custom("New offers this week!", "https://cdn.example.com/o.pdf", null);
            dormant("u1", Map.of("wecomId", "wc-u1"));
            runAll(RUN);
            assertEquals("New offers this week! https://cdn.example.com/o.pdf", onlyMessageTo("u1").text());
            assertNull(onlyMessageTo("u1").attachment());
        }

        @Test
        void aTextWithoutLinkIsSentAsIs() {
            custom("周末特惠，回来看看吧", null, null);
            dormant("u1", Map.of("wecomId", "wc-u1"));
            runAll(RUN);
            assertEquals("周末特惠，回来看看吧", onlyMessageTo("u1").text());
        }

        @Test
        void aPlaceholderWithoutLinkIsRemoved() {
            custom("Come back {link}", null, null);
            dormant("u1", Map.of("wecomId", "wc-u1"));
            runAll(RUN);
            assertFalse(onlyMessageTo("u1").text().contains("{link}"));
            assertTrue(onlyMessageTo("u1").text().startsWith("Come back"));
        }

        @Test
        void aFileWithoutTextGoesWithTheDefaultTextInTheUsersLanguageAndItsLink() {
            custom(null, "https://cdn.example.com/offers.pdf", pdf);
            dormant("en", Map.of("email", "en@example.com", "locale", "en-US"));
            dormant("zh", Map.of("email", "zh@example.com"));
            runAll(RUN);
            assertEquals(EN_TEXT + " https://cdn.example.com/offers.pdf", onlyMessageTo("en").text());
            assertEquals(ZH_TEXT + " https://cdn.example.com/offers.pdf", onlyMessageTo("zh").text());
            assertSame(pdf, onlyMessageTo("en").attachment());
            assertNotNull(decisionOf("zh", RUN, 0).details().get("content"));
        }
    }
}
