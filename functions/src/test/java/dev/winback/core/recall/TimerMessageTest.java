package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire form of a timer, and the timer's stable id. */
class TimerMessageTest {

    private static final Instant ENTERED = Instant.parse("2026-11-22T10:00:00Z");
    private static final Timer TIMER = new Timer("u-1", "order", ENTERED, ENTERED.plusSeconds(45));

    private static final String GOOD = """
            {"kind":"deadline","timerId":"dl-x","userId":"u-1","page":"order",\
            "enteredAt":"2026-11-22T10:00:00Z","dueAt":"2026-11-22T10:00:45Z"}""";

    @Test
    void roundTrip() throws Exception {
        String json = TimerMessage.toJson(TIMER);
        assertEquals(TIMER, TimerMessage.fromJson(json));
        JsonNode node = new ObjectMapper().readTree(json);
        assertEquals("deadline", node.get("kind").asText());
        assertEquals(TIMER.id(), node.get("timerId").asText());
        assertEquals("u-1", node.get("userId").asText());
        assertEquals("order", node.get("page").asText());
        assertEquals("2026-11-22T10:00:00Z", node.get("enteredAt").asText());
        assertEquals("2026-11-22T10:00:45Z", node.get("dueAt").asText());
    }

    @Test
    void roundTripKeepsSubSecondPrecision() {
        Instant entered = Instant.parse("2026-11-22T10:00:00.123456789Z");
        Timer timer = new Timer("u-1", "merchant", entered, entered.plusMillis(81_000));
        assertEquals(timer, TimerMessage.fromJson(TimerMessage.toJson(timer)));
    }

    @Test
    void readsTheDocumentedForm() {
        assertEquals(TIMER, TimerMessage.fromJson(GOOD));
    }

    @Test
    void extraFieldsAreIgnored() {
        assertEquals(TIMER, TimerMessage.fromJson(GOOD.replace("{", "{\"extra\":1,")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{", "", "[1,2]", "\"deadline\"", "null", "{} trailing {"})
    void rejectsBodiesThatAreNotATimerObject(String body) {
        assertThrows(IllegalArgumentException.class, () -> TimerMessage.fromJson(body));
    }

    @Test
    void rejectsAMissingUserId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimerMessage.fromJson(GOOD.replace("\"userId\":\"u-1\",", "")));
        assertTrue(e.getMessage().contains("userId"), e.getMessage());
    }

    @Test
    void rejectsANonTextUserId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimerMessage.fromJson(GOOD.replace("\"u-1\"", "42")));
        assertTrue(e.getMessage().contains("userId"), e.getMessage());
    }

    @Test
    void rejectsEachMissingField() {
        for (String field : new String[] {"page", "enteredAt", "dueAt"}) {
            String body = GOOD.replaceAll(",?\"" + field + "\":\"[^\"]*\"", "");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimerMessage.fromJson(body),
                    body);
            assertTrue(e.getMessage().contains(field), e.getMessage());
        }
    }

    @Test
    void rejectsABadInstant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimerMessage.fromJson(GOOD.replace("2026-11-22T10:00:45Z", "tomorrow")));
        assertTrue(e.getMessage().contains("bad instant"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TimerMessage.fromJson(GOOD.replace("2026-11-22T10:00:00Z", "2026-11-22 10:00:00")));
    }

    @Test
    void rejectsAnotherKind() {
        assertThrows(IllegalArgumentException.class, () -> TimerMessage.fromJson(GOOD.replace("deadline", "dormant")));
        assertThrows(IllegalArgumentException.class,
                () -> TimerMessage.fromJson(GOOD.replace("\"kind\":\"deadline\",", "")));
    }

    @Test
    void timerIdIsStable() {
        Timer same = new Timer("u-1", "order", ENTERED, ENTERED.plusSeconds(45));
        assertEquals(TIMER.id(), same.id());
        assertEquals(TIMER.id(), TimerMessage.fromJson(TimerMessage.toJson(TIMER)).id());
        assertTrue(TIMER.id().matches("dl-[0-9a-f]{24}"), TIMER.id());
    }

    @Test
    void timerIdDependsOnTheCauseNotTheDueTime() {
        assertEquals(TIMER.id(), new Timer("u-1", "order", ENTERED, ENTERED.plusSeconds(90)).id(),
                "the id names the page entry, whatever its deadline");
        assertNotEquals(TIMER.id(), new Timer("u-1", "order", ENTERED.plusMillis(1), ENTERED.plusSeconds(45)).id());
        assertNotEquals(TIMER.id(), new Timer("u-1", "order", ENTERED.plusSeconds(1), ENTERED.plusSeconds(46)).id());
        assertNotEquals(TIMER.id(), new Timer("u-2", "order", ENTERED, ENTERED.plusSeconds(45)).id());
        assertNotEquals(TIMER.id(), new Timer("u-1", "home", ENTERED, ENTERED.plusSeconds(45)).id());
    }

    @Test
    void theSlotIsOnePerUserAndPageKindWhateverTheEntry() {
        assertEquals(TIMER.slot(), new Timer("u-1", "order", ENTERED.plusSeconds(30), ENTERED.plusSeconds(75)).slot(),
                "re-entering the page keeps the slot, so a pending schedule is moved, not duplicated");
        assertNotEquals(TIMER.slot(), new Timer("u-1", "home", ENTERED, ENTERED.plusSeconds(60)).slot());
        assertNotEquals(TIMER.slot(), new Timer("u-2", "order", ENTERED, ENTERED.plusSeconds(45)).slot());
        assertTrue(TIMER.slot().matches("ds-[0-9a-f]{24}"), TIMER.slot());
    }
}
