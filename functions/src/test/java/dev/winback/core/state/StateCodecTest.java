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

    @Test
    void statesEncodedAndDecodedOnManyVirtualThreadsAtOnceReadBackAsWritten() throws Exception {
        // ingest saves users in parallel on virtual threads: the pooled zlib streams must not be shared
        java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                results.add(executor.submit(() -> {
                    UserState user = new UserState();
                    user.userId = "u-" + n;
                    for (int e = 0; e < n % 50; e++) {
                        user.remember("event-" + n + "-" + e, 50);
                    }
                    UserState read = StateCodec.fromBytes(StateCodec.toBytes(user), UserState.class);
                    return read.userId + "/" + read.rememberedEvents();
                }));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            assertEquals("u-" + i + "/" + (i % 50), results.get(i).get());
        }
    }
}
