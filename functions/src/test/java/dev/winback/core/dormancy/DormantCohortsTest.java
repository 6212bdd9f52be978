package dev.winback.core.dormancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.ingest.StoredState;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.state.UserState;
import dev.winback.testing.IngestedUsers;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** B6: the dormant-cohort index entry: key format, shard, the contact card it carries, written by ingestion. */
class DormantCohortsTest {

    private static final Policy POLICY = Policies.DEFAULTS;
    private static final int SHARDS = POLICY.dormancy().indexShards();

    @Test
    void keyIsTheDayAndATwoDigitShard() {
        assertEquals("2026-11-29#07", DormantCohorts.key(LocalDate.parse("2026-11-29"), 7));
        assertEquals("2026-11-29#00", DormantCohorts.key(LocalDate.parse("2026-11-29"), 0));
        assertEquals("2026-12-01#15", DormantCohorts.key(LocalDate.parse("2026-12-01"), 15));
    }

    @Test
    void shardIsCrc32OfTheUtf8IdModuloTheShardCount() {
        assertEquals(16, SHARDS);
        // zlib.crc32(id.encode("utf-8")) % 16 in Python gives the same: the shard is language-independent.
        assertEquals(6, DormantCohorts.shard("u1", 16));
        assertEquals(12, DormantCohorts.shard("u-1", 16));
        assertEquals(7, DormantCohorts.shard("alice", 16));
        assertEquals(9, DormantCohorts.shard("用户7", 16));
    }

    @Test
    void shardIsStableAndInRange() {
        for (int i = 0; i < 2_000; i++) {
            String id = "user-" + i;
            int shard = DormantCohorts.shard(id, SHARDS);
            assertTrue(shard >= 0 && shard < SHARDS, id + " -> " + shard);
            assertEquals(shard, DormantCohorts.shard(new String(id.toCharArray()), SHARDS));
            int three = DormantCohorts.shard(id, 3);
            assertTrue(three >= 0 && three < 3);
        }
        assertEquals(0, DormantCohorts.shard("anyone", 1));
    }

    @Test
    void tenThousandUsersSpreadEvenlyOverTheShards() {
        int[] counts = new int[SHARDS];
        int users = 10_000;
        for (int i = 0; i < users; i++) {
            counts[DormantCohorts.shard("u-" + i, SHARDS)]++;
        }
        double mean = (double) users / SHARDS;
        for (int shard = 0; shard < SHARDS; shard++) {
            assertTrue(Math.abs(counts[shard] - mean) <= 0.25 * mean,
                    "shard " + shard + " holds " + counts[shard] + ", mean " + mean);
        }
    }

    @Test
    void entryCarriesTheContactCardAndTheDay() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-21T17:00:00Z"))
                .then("login")
                .profile("phone", "+8613800000001")
                .profile("email", "u1@example.com")
                .profile("wecomId", "wecom-u1")
                .profile("timezone", "Europe/Berlin")
                .profile("locale", "en-GB")
                .consent("sms", false)
                .consent("email", true)
                .state();
        user.dormantFrom = LocalDate.parse("2026-11-29");
        StoredState.CohortEntry entry = DormantCohorts.entry(user, POLICY);
        assertNotNull(entry);
        assertEquals("2026-11-29#06", entry.key()); // shard("u1") = 6
        assertEquals(LocalDate.parse("2026-11-29"), entry.dormantFrom());
        assertEquals(Map.of("phone", "+8613800000001", "email", "u1@example.com", "wecomId", "wecom-u1",
                "timezone", "Europe/Berlin", "locale", "en-GB", "optedOut", "sms"), entry.contact());

        ContactCard card = ContactCard.fromMap("u1", entry.contact());
        assertEquals(new ContactCard("u1", null, "+8613800000001", "u1@example.com", "wecom-u1", "Europe/Berlin",
                "en-GB", Set.of("sms")), card);
        assertEquals(ContactCard.of(user), card);
    }

    @Test
    void entryOfAUserWithoutAddressesHasAnEmptyCard() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-22T02:00:00Z")).then("login").state();
        user.dormantFrom = LocalDate.parse("2026-11-29");
        assertEquals(Map.of(), DormantCohorts.entry(user, POLICY).contact());
    }

    @Test
    void noEntryWithoutADormancyDay() {
        UserState user = UserBuilder.of("u1", POLICY, Instant.parse("2026-11-22T02:00:00Z"))
                .then("app_open").profile("phone", "+8613800000001").state();
        assertNull(user.dormantFrom);
        assertNull(DormantCohorts.entry(user, POLICY));
    }

    // --- written by ingestion ---------------------------------------------------------------------

    @Test
    void ingestionFilesAUserUnderTheirDormancyDayAfterALogin() {
        IngestedUsers users = new IngestedUsers(POLICY);
        users.login("u1", "2026-11-21T17:00:00Z"); // the 22nd in Shanghai
        StoredState stored = users.stored("u1");
        assertNotNull(stored.cohort());
        assertEquals("2026-11-29#06", stored.cohort().key());
        assertEquals(LocalDate.parse("2026-11-29"), stored.cohort().dormantFrom());
        assertEquals(LocalDate.parse("2026-11-29"), users.state("u1").dormantFrom);

        List<DormantCohort.Member> members = users.store().cohortIndex().members(LocalDate.parse("2026-11-29"), 6);
        assertEquals(List.of("u1"), members.stream().map(DormantCohort.Member::userId).toList());
        assertTrue(users.store().cohortIndex().members(LocalDate.parse("2026-11-29"), 5).isEmpty());
    }

    @Test
    void ingestionKeepsTheEntryContactCardCurrent() {
        IngestedUsers users = new IngestedUsers(POLICY);
        users.login("u1", "2026-11-22T02:00:00Z")
                .profile("u1", "2026-11-22T02:01:00Z", Map.of("phone", "+8613800000001", "locale", "zh-CN"))
                .consent("u1", "2026-11-22T02:02:00Z", "sms", false);
        StoredState.CohortEntry entry = users.stored("u1").cohort();
        assertEquals("2026-11-29#06", entry.key()); // profile and consent events do not move the day
        assertEquals(Map.of("phone", "+8613800000001", "locale", "zh-CN", "optedOut", "sms"), entry.contact());
        DormantCohort.Member member = users.store().cohortIndex().members(LocalDate.parse("2026-11-29"), 6).getFirst();
        assertEquals(Set.of("sms"), member.contact().optedOut());
        assertEquals("+8613800000001", member.contact().phone());
    }

    @Test
    void aNewLoginMovesTheEntryToALaterDay() {
        IngestedUsers users = new IngestedUsers(POLICY);
        users.login("u1", "2026-11-22T02:00:00Z").login("u1", "2026-11-25T02:00:00Z");
        assertEquals("2026-12-02#06", users.stored("u1").cohort().key());
        assertTrue(users.store().cohortIndex().members(LocalDate.parse("2026-11-29"), 6).isEmpty());
        assertEquals(1, users.store().cohortIndex().members(LocalDate.parse("2026-12-02"), 6).size());
    }

    @Test
    void ingestionFilesARegisteredUserWhoNeverLoggedIn() {
        IngestedUsers users = new IngestedUsers(POLICY);
        users.register("alice", "2026-11-22T02:00:00Z");
        assertEquals("2026-11-29#07", users.stored("alice").cohort().key());
    }

    @Test
    void ingestionFilesNoUserWithoutLoginOrRegistration() {
        IngestedUsers users = new IngestedUsers(POLICY);
        users.profile("u1", "2026-11-22T02:00:00Z", Map.of("phone", "+8613800000001"));
        assertNull(users.stored("u1").cohort());
        assertNull(users.state("u1").dormantFrom);
    }
}
