package dev.winback.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The direct reading of UTC timestamps must agree with {@link OffsetDateTime#parse} on every text. */
class TimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T10:00:00Z", "2026-11-22T10:00:03.206Z", "2026-11-22T10:00:03.2Z",
            "2026-11-22T23:59:59.123456789Z", "2024-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z", "2026-11-22T10:00:00+08:00", "2026-11-22T10:00:00.5-03:30",
            "2026-11-22T10:00:00.Z", "2026-11-22t10:00:00z"}) // Java accepts these two; they take its path
    void readsValidTextsAsTheJavaParserDoes(String text) {
        assertEquals(OffsetDateTime.parse(text).toInstant(), Timestamps.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z",
            "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z", 
            "2026-11-22T10:00:00.1234567890Z", "2026-11-22 10:00:00Z", "2026-11-22T1a:00:00Z", "2026-11-22T10:00:00",
            "+2026-11-22T10:00:00Z", "2026-1-22T10:00:00Z", ""})
    void rejectsInvalidTextsAsTheJavaParserDoes(String text) {
        assertThrows(DateTimeParseException.class, () -> OffsetDateTime.parse(text));
        assertThrows(DateTimeParseException.class, () -> Timestamps.parse(text));
    }

    @Test
    void agreesOnRandomInstantsAndMangledTexts() {
        Random random = new Random(7);
        String digits = "0123456789";
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
            StringBuilder text = new StringBuilder(at.toString());
            if (i % 2 == 1) { // one character replaced by a digit, ':' or '.': valid or not, both must agree
                text.setCharAt(random.nextInt(text.length()), (digits + ":.").charAt(random.nextInt(12)));
            }
            String candidate = text.toString();
            Instant expected;
            try {
                expected = OffsetDateTime.parse(candidate).toInstant();
            } catch (DateTimeParseException e) {
                assertThrows(DateTimeParseException.class, () -> Timestamps.parse(candidate), candidate);
                continue;
            }
            assertEquals(expected, Timestamps.parse(candidate), candidate);
        }
    }
}
