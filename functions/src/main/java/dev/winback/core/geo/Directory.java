package dev.winback.core.geo;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Port: the B2B directory (D1) and its geo index (D3), with the per-target engagements (D7) that
 * change together with an entry. In AWS one DynamoDB table holds the entries and their placements
 * ({@code docs/geo-index.md}) and the engagements live in the ledger table; in memory for tests and
 * the simulator.
 *
 * <p>Writes are optimistic: every stored entry and engagement has a version, and {@link #save} writes
 * an entry, its moved or refreshed placements and the engagements of the same change all at once, or
 * nothing when someone else wrote one of them first ({@link SaveOutcome#CONFLICT}: reload and apply
 * again). Stores that cannot answer now throw {@link dev.winback.core.ingest.StoreUnavailableException}.
 */
public interface Directory {

    /**
     * An entry as stored: its optimistic-lock version and the highest stream sequence number already
     * folded into it (null when no stream record was, e.g. an imported entry).
     */
    record Stored(DirectoryEntry entry, long version, String highWater) {
        public Stored {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /** One campaign's engagement of one user, as stored (version 0: not stored yet). */
    record StoredEngagement(TargetEngagement engagement, long version) {
        public StoredEngagement {
            Objects.requireNonNull(engagement, "engagement");
        }
    }

    /** The key of an engagement: (campaign, user). */
    record EngagementKey(String campaignId, String userId) {
        public static EngagementKey of(TargetEngagement engagement) {
            return new EngagementKey(engagement.campaignId(), engagement.userId());
        }
    }

    /** An engagement written with an entry: {@code previous} null when it is new. */
    record EngagementChange(StoredEngagement previous, TargetEngagement next) {
    }

    /**
     * One user's change: the entry as read ({@code previous}, null when it does not exist yet), the
     * entry to store, the high-water mark to store with it, and the engagements that change with it.
     */
    record Change(Stored previous, DirectoryEntry next, String highWater, List<EngagementChange> engagements) {
        public Change {
            Objects.requireNonNull(next, "next");
            engagements = engagements == null ? List.of() : List.copyOf(engagements);
            if (previous != null && !previous.entry().userId().equals(next.userId())) {
                throw new IllegalArgumentException("a change cannot move an entry to another user");
            }
        }
    }

    enum SaveOutcome {
        SAVED,
        /** An entry or engagement changed since it was read: nothing was written; reload and apply again. */
        CONFLICT
    }

    /** The stored entries of these users (strongly consistent); users without an entry are absent. */
    Map<String, Stored> load(Collection<String> userIds);

    /** The stored engagements with these keys (strongly consistent); absent when none. */
    Map<EngagementKey, StoredEngagement> engagements(Collection<EngagementKey> keys);

    /**
     * Writes the change if nothing it read has changed since. The stored versions become the ones read
     * plus one (1 for a new entry or engagement), which a caller may rely on to go on from its change.
     */
    SaveOutcome save(Change change);

    /**
     * The entries a campaign may reach: the placements under {@link DirectoryIndex#keysFor}, in that
     * order (categories, then cells by address, each cell by user id). An entry trading two of the
     * campaign's categories comes twice; the preselection keeps the first. Placements carry what
     * planning needs (location, role, verification, materials, business features, history), not the
     * contacts: those are read for the chosen targets only, when they are sent to.
     */
    List<DirectoryEntry> candidates(Campaign campaign);
}
