package dev.winback.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stored body: deflated CBOR that reads back to the same state, and a clear error when damaged. */
class StateCodecTest {

    @Test
    void aStateReadsBackAsWritten() {
        UserState user = new UserState();
        user.userId = "u-1";
        user.lastLoginAt = Instant.parse("2026-11-22T10:00:03.206Z");
        user.clicks = 3;
        for (int i = 0; i < 200; i++) { // large enough for the inflated body to outgrow its first buffer
            user.remember("event-" + i, 500);
        }
        user.spend = new BigDecimal("42.50");

        byte[] body = StateCodec.toBytes(user);
        UserState read = StateCodec.fromBytes(body, UserState.class);

        assertEquals(StateCodec.toJson(user), StateCodec.toJson(read));
        assertEquals(Arrays.toString(body), Arrays.toString(StateCodec.toBytes(read)));
    }

    @Test
    void aTruncatedBodyIsReportedAsUnreadable() {
        UserState user = new UserState();
        user.userId = "u-1";
        byte[] body = StateCodec.toBytes(user);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> StateCodec.fromBytes(Arrays.copyOf(body, body.length / 2), UserState.class));
        assertEquals("stored state of type UserState is unreadable", e.getMessage());
    }
}
