package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;

/**
 * What every stored subject (a user, a zone, a merchant) shares: the fingerprints of its most recent
 * event ids, so that a producer's retry of an event (same eventId, new stream record) changes nothing.
 */
public abstract class Subject {

    /**
     * 48 bits per event id: with at most a few dozen ids remembered, a false match is about one in
     * 10^13 per event, and the item (rewritten on every batch, billed per KB) stays small.
     */
    private static final int FINGERPRINT_BYTES = 6;

    /** Fingerprints of recent eventIds, oldest first, packed. */
    @JsonProperty("recent")
    byte[] recentEvents = new byte[0];

    /**
     * An independent copy, equal to what encoding and decoding this state gives ({@link StateCodec}):
     * a store that keeps states as objects hands these out, as a table hands out decoded items.
     */
    public abstract Subject copy();

    /** For {@link #copy}: the fingerprints are replaced whole, never changed in place, so they can be shared. */
    void copyFingerprintsTo(Subject copy) {
        copy.recentEvents = recentEvents;
    }

    /** @return true if this event id was already applied */
    public boolean hasSeen(String eventId) {
        long fingerprint = fingerprint(eventId);
        for (int at = 0; at + FINGERPRINT_BYTES <= recentEvents.length; at += FINGERPRINT_BYTES) {
            if (read(recentEvents, at) == fingerprint) {
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
        write(next, kept * FINGERPRINT_BYTES, fingerprint(eventId));
        recentEvents = next;
    }

    /** How many event ids are remembered. */
    public int rememberedEvents() {
        return recentEvents.length / FINGERPRINT_BYTES;
    }

    /** FNV-1a 64 bit, cut to 48 bits: cheap and stable across JVMs. */
    static long fingerprint(String eventId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash & 0xFFFF_FFFF_FFFFL;
    }

    private static long read(byte[] packed, int at) {
        long value = 0;
        for (int i = 0; i < FINGERPRINT_BYTES; i++) {
            value = (value << 8) | (packed[at + i] & 0xff);
        }
        return value;
    }

    private static void write(byte[] packed, int at, long value) {
        for (int i = FINGERPRINT_BYTES - 1; i >= 0; i--) {
            packed[at + i] = (byte) value;
            value >>>= 8;
        }
    }
}
