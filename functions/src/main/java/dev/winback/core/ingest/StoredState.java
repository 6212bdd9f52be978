package dev.winback.core.ingest;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * A subject as persisted: its key, an optimistic-lock version, the highest stream sequence number
 * already applied (so redelivered records change nothing), the encoded state, and what stores index
 * beside the body: the segment tags and the dormant-cohort entry.
 */
public record StoredState(String key, long version, String highWater, byte[] body, Set<String> tags,
                         CohortEntry cohort) {

    public StoredState(String key, long version, String highWater, byte[] body, Set<String> tags) {
        this(key, version, highWater, body, tags, null);
    }

    /**
     * The user's place in the dormant-cohort index: {@code key} = dormant-from day + shard, plus the
     * contact card a scan needs, so a scan reads nothing but the index.
     */
    public record CohortEntry(String key, LocalDate dormantFrom, Map<String, String> contact) {
    }
}
