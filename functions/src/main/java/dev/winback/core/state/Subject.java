package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every stored subject (a user, a zone, a merchant) shares: the fingerprints of its most recent
 * event ids, so that a producer's retry of an event (same eventId, new stream record) changes nothing.
 */
public abstract class Subject {

    /** 64-bit fingerprints of recent eventIds, oldest first. */
    @JsonProperty("recent")
    List<Long> recentEvents = new ArrayList<>();

    /** @return true if this event id was already applied */
    public boolean hasSeen(String eventId) {
        return recentEvents.contains(fingerprint(eventId));
    }

    /** Remembers an applied event id, forgetting the oldest beyond {@code window}. */
    public void remember(String eventId, int window) {
        recentEvents.add(fingerprint(eventId));
        while (recentEvents.size() > window) {
            recentEvents.removeFirst();
        }
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
}
