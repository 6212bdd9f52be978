package dev.winback.core.ingest;

import java.util.Set;

/**
 * A subject as persisted: its key, an optimistic-lock version, the highest stream sequence number
 * already applied (so redelivered records change nothing), the encoded state, and the segment tags
 * (kept beside the body so that stores can index them).
 */
public record StoredState(String key, long version, String highWater, byte[] body, Set<String> tags) {
}
