package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What every stored subject (a user, a zone, a merchant) shares: the fingerprints of its most recent
 * event ids, so that a producer's retry of an event (same eventId, new stream record) changes nothing.
 */
public abstract class Subject {

    private static final int FINGERPRINT_BYTES = Long.BYTES;

    /** 64-bit fingerprints of recent eventIds, oldest first, packed: 8 bytes each keeps the item small. */
    @JsonProperty("recent")
    byte[] recentEvents = new byte[0];

    /** @return true if this event id was already applied */
    public boolean hasSeen(String eventId) {
        long fingerprint = fingerprint(eventId);
        ByteBuffer packed = ByteBuffer.wrap(recentEvents);
        for (int at = 0; at + FINGERPRINT_BYTES <= recentEvents.length; at += FINGERPRINT_BYTES) {
            if (packed.getLong(at) == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** Remembers an applied event id, forgetting the oldest beyond {@code window}. */
    public void remember(String eventId, int window) {
        int kept = Math.min(recentEvents.length / FINGERPRINT_BYTES, window - 1);
        if (window <= 0) {
            return;
        }
        byte[] next = new byte[(kept + 1) * FINGERPRINT_BYTES];
        System.arraycopy(recentEvents, recentEvents.length - kept * FINGERPRINT_BYTES, next, 0, kept * FINGERPRINT_BYTES);
        ByteBuffer.wrap(next).putLong(kept * FINGERPRINT_BYTES, fingerprint(eventId));
        recentEvents = next;
    }

    /** How many event ids are remembered. */
    public int rememberedEvents() {
        return recentEvents.length / FINGERPRINT_BYTES;
    }

    /** FNV-1a, 64 bit: cheap, stable across JVMs, and collisions are negligible at window sizes. */
    static long fingerprint(String eventId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + Arrays.toString(new int[] {rememberedEvents()});
    }
}
