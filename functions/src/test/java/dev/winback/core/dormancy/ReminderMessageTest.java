package dev.winback.core.dormancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dormant scan's work items on the wire (shard tasks, deferred reminders) and the reminder's decision id. */
class ReminderMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.parse("2026-11-29");
    private static final Instant NOT_BEFORE = Instant.parse("2026-11-29T07:00:00Z");

    private static String rejection(String body) {
        return assertThrows(IllegalArgumentException.class, () -> ReminderMessage.parse(body), body).getMessage();
    }

    private static void assertRejectedNaming(String body, String... words) {
        String message = rejection(body);
        for (String word : words) {
            assertTrue(message.contains(word), "'" + message + "' should name " + word + " for " + body);
        }
    }

    // --- shard tasks -----------------------------------------------------------------------------

    @Test
    void shardTaskWireForm() throws Exception {
        JsonNode node = JSON.readTree(ReminderMessage.shardTask(DAY, 7));
        assertEquals(JSON.readTree("{\"kind\":\"dormant_shard\",\"runDay\":\"2026-11-29\",\"shard\":7}"), node);
    }

    @Test
    void shardTaskRoundTrips() {
        for (int shard : new int[] {0, 7, 15}) {
            assertEquals(new ReminderMessage.ShardTask(DAY, shard),
                    ReminderMessage.parse(ReminderMessage.shardTask(DAY, shard)));
        }
    }

    @Test
    void extraFieldsAreIgnored() {
        assertEquals(new ReminderMessage.ShardTask(DAY, 3), ReminderMessage.parse(
                "{\"kind\":\"dormant_shard\",\"runDay\":\"2026-11-29\",\"shard\":3,\"attempt\":2}"));
    }

    // --- deferred reminders ----------------------------------------------------------------------

    @Test
    void deferredReminderWireForm() throws Exception {
        Reminder reminder = new Reminder("u-1", DAY, 2);
        JsonNode node = JSON.readTree(ReminderMessage.deferred(reminder, NOT_BEFORE));
        assertEquals("reminder", node.get("kind").asText());
        assertEquals("u-1", node.get("userId").asText());
        assertEquals(reminder.decisionId(), node.get("decisionId").asText());
        assertEquals("2026-11-29", node.get("cohortDay").asText());
        assertEquals(2, node.get("reminder").asInt());
        assertEquals("2026-11-29T07:00:00Z", node.get("notBefore").asText());
    }

    @Test
    void deferredReminderRoundTrips() {
        for (Reminder reminder : new Reminder[] {new Reminder("u-1", DAY, 0), new Reminder("用户 7", DAY.minusDays(14), 2),
                new Reminder("a\"b\\c", DAY, 1)}) {
            Object parsed = ReminderMessage.parse(ReminderMessage.deferred(reminder, NOT_BEFORE));
            assertEquals(new ReminderMessage.Deferred(reminder, NOT_BEFORE), parsed);
            assertEquals(reminder.decisionId(), ((ReminderMessage.Deferred) parsed).reminder().decisionId());
        }
    }

    // --- bad bodies ------------------------------------------------------------------------------

    @Test
    void notJsonIsRejected() {
        assertRejectedNaming("not json", "not JSON");
        assertRejectedNaming("{\"kind\":", "not JSON");
    }

    @Test
    void notAnObjectIsRejected() {
        assertRejectedNaming("[1,2]", "not a JSON object");
        assertRejectedNaming("\"dormant_shard\"", "not a JSON object");
        assertRejectedNaming("", "not a JSON object");
    }

    @Test
    void unknownOrMissingKindIsRejected() {
        assertRejectedNaming("{\"kind\":\"timer\",\"runDay\":\"2026-11-29\",\"shard\":1}", "unknown", "timer");
        assertRejectedNaming("{\"runDay\":\"2026-11-29\",\"shard\":1}", "unknown work item kind");
    }

    @Test
    void shardTaskWithoutItsFieldsIsRejected() {
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"shard\":1}", "runDay");
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"runDay\":20261129,\"shard\":1}", "runDay");
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"runDay\":\"2026-11-29\"}", "shard");
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"runDay\":\"2026-11-29\",\"shard\":-1}", "shard");
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"runDay\":\"2026-11-29\",\"shard\":\"x\"}", "shard");
    }

    @Test
    void badDatesAreRejected() {
        assertRejectedNaming("{\"kind\":\"dormant_shard\",\"runDay\":\"2026-13-01\",\"shard\":1}", "bad date", "2026-13-01");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"29.11.2026\",\"reminder\":0,"
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "bad date", "29.11.2026");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"2026-11-29\",\"reminder\":0,"
                + "\"notBefore\":\"tomorrow\"}", "bad date", "tomorrow");
    }

    @Test
    void deferredReminderWithoutItsFieldsIsRejected() {
        assertRejectedNaming("{\"kind\":\"reminder\",\"cohortDay\":\"2026-11-29\",\"reminder\":0,"
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "userId");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"reminder\":0,"
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "cohortDay");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"2026-11-29\",\"reminder\":0}",
                "notBefore");
    }

    @Test
    void deferredReminderWithoutAValidNumberIsRejected() {
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"2026-11-29\","
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "reminder");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"2026-11-29\",\"reminder\":-1,"
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "reminder");
        assertRejectedNaming("{\"kind\":\"reminder\",\"userId\":\"u\",\"cohortDay\":\"2026-11-29\",\"reminder\":\"two\","
                + "\"notBefore\":\"2026-11-29T07:00:00Z\"}", "reminder");
    }

    // --- the reminder's decision id ------------------------------------------------------------------

    @Test
    void decisionIdIsDmAndTwentyFourHexDigitsOfTheCausesSha256() {
        // Python: hashlib.sha256(b"u1\n2026-11-29\n0").hexdigest()[:24]
        assertEquals("dm-694f248e6f868ea5a04e248a", new Reminder("u1", DAY, 0).decisionId());
        assertTrue(new Reminder("用户 7", DAY, 2).decisionId().matches("dm-[0-9a-f]{24}"));
    }

    @Test
    void decisionIdIsStable() {
        Reminder reminder = new Reminder("u1", DAY, 1);
        assertEquals(reminder.decisionId(), reminder.decisionId());
        assertEquals(reminder.decisionId(), new Reminder(new String("u1".toCharArray()), LocalDate.of(2026, 11, 29), 1)
                .decisionId());
    }

    @Test
    void decisionIdDiffersPerNumberCohortDayAndUser() {
        Set<String> ids = new HashSet<>();
        for (String user : new String[] {"u1", "u2", "u12"}) {
            for (int day = 0; day < 3; day++) {
                for (int number = 0; number < 3; number++) {
                    ids.add(new Reminder(user, DAY.plusDays(day), number).decisionId());
                }
            }
        }
        assertEquals(27, ids.size());
        assertNotEquals(new Reminder("u1", DAY, 0).decisionId(), new Reminder("u1", DAY, 1).decisionId());
        assertNotEquals(new Reminder("u1", DAY, 0).decisionId(), new Reminder("u1", DAY.plusDays(7), 0).decisionId());
        assertNotEquals(new Reminder("u1", DAY, 0).decisionId(), new Reminder("u2", DAY, 0).decisionId());
        // The separator keeps the parts apart: "u1" + day 1 is not "u" + "1…".
        assertNotEquals(new Reminder("u1", DAY, 1).decisionId(), new Reminder("u", DAY, 11).decisionId());
    }
}
