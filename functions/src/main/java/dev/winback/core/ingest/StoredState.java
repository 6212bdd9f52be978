package dev.winback.core.ingest;

import dev.winback.core.state.StateCodec;
import dev.winback.core.state.Subject;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * A subject as persisted: its key, an optimistic-lock version, the highest stream sequence number
 * already applied (so redelivered records change nothing), the state, and what stores index beside
 * it: the segment tags and the dormant-cohort entry.
 *
 * <p>The state is held either encoded (as a store read it) or as the object that was folded (as the
 * core wrote it); each form is derived from the other only when asked for. So the DynamoDB adapter
 * encodes once per write, as before, while the in-memory store of a simulation keeps the objects and
 * skips the encode and decode of every write and read — most of a replay's time. Either way
 * {@link #state} hands out an independent object, equal to what decoding the stored bytes gives.
 */
public final class StoredState {

    private final String key;
    private final long version;
    private final String highWater;
    private final Set<String> tags;
    private final CohortEntry cohort;
    /** Never changed once held: {@link #state} copies it. */
    private final Subject folded;
    private volatile byte[] body;

    public StoredState(String key, long version, String highWater, byte[] body, Set<String> tags,
                       CohortEntry cohort) {
        this(key, version, highWater, null, body, tags, cohort);
    }

    public StoredState(String key, long version, String highWater, byte[] body, Set<String> tags) {
        this(key, version, highWater, body, tags, null);
    }

    private StoredState(String key, long version, String highWater, Subject folded, byte[] body, Set<String> tags,
                        CohortEntry cohort) {
        this.key = key;
        this.version = version;
        this.highWater = highWater;
        this.folded = folded;
        this.body = body;
        this.tags = tags;
        this.cohort = cohort;
    }

    /**
     * The state as the core folded it; {@code state} must not change afterwards (it is encoded when a
     * store asks for the {@link #body}, possibly later).
     */
    public static StoredState of(String key, long version, String highWater, Subject state, Set<String> tags,
                                 CohortEntry cohort) {
        return new StoredState(key, version, highWater, state, null, tags, cohort);
    }

    public String key() {
        return key;
    }

    public long version() {
        return version;
    }

    public String highWater() {
        return highWater;
    }

    public Set<String> tags() {
        return tags;
    }

    public CohortEntry cohort() {
        return cohort;
    }

    /** The encoded state, as stored in the table (encoded on first use when the state was folded here). */
    public byte[] body() {
        byte[] encoded = body;
        if (encoded == null) {
            encoded = StateCodec.toBytes(folded); // deterministic, so a race only encodes twice
            body = encoded;
        }
        return encoded;
    }

    /** The state, as an object of its own that the caller may change: decoded, or a copy of the folded one. */
    public <T extends Subject> T state(Class<T> type) {
        return folded == null ? StateCodec.fromBytes(body, type) : type.cast(folded.copy());
    }

    @Override
    public String toString() {
        return "StoredState[key=" + key + ", version=" + version + ", highWater=" + highWater + ", tags=" + tags + "]";
    }

    /**
     * The user's place in the dormant-cohort index: {@code key} = dormant-from day + shard, plus the
     * contact card a scan needs, so a scan reads nothing but the index.
     */
    public record CohortEntry(String key, LocalDate dormantFrom, Map<String, String> contact) {
    }
}
