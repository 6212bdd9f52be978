package dev.winback.adapters;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.core.geo.TargetEngagement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The directory in memory, with the same rules as {@link DynamoDirectory}: versioned entries,
 * placements under {@link DirectoryIndex#keysOf} moved with the entry, engagements written with the
 * entry, all or nothing; candidates read per index key in {@link DirectoryIndex#keysFor} order. For the
 * simulator and tests; {@link #keysRead()} counts the index keys read, as DynamoDB would count Queries.
 */
public final class InMemoryDirectory implements Directory {

    private final Map<String, Stored> entries = new HashMap<>();
    private final Map<String, TreeMap<String, DirectoryEntry>> placements = new HashMap<>();
    private final Map<EngagementKey, StoredEngagement> engagements = new HashMap<>();
    private long keysRead;

    @Override
    public synchronized Map<String, Stored> load(Collection<String> userIds) {
        Map<String, Stored> found = new HashMap<>();
        for (String userId : userIds) {
            Stored stored = entries.get(userId);
            if (stored != null) {
                found.put(userId, stored);
            }
        }
        return found;
    }

    @Override
    public synchronized Map<EngagementKey, StoredEngagement> engagements(Collection<EngagementKey> keys) {
        Map<EngagementKey, StoredEngagement> found = new HashMap<>();
        for (EngagementKey key : keys) {
            StoredEngagement stored = engagements.get(key);
            if (stored != null) {
                found.put(key, stored);
            }
        }
        return found;
    }

    @Override
    public synchronized SaveOutcome save(Change change) {
        String userId = change.next().userId();
        Stored current = entries.get(userId);
        long expected = change.previous() == null ? 0 : change.previous().version();
        if ((current == null ? 0 : current.version()) != expected) {
            return SaveOutcome.CONFLICT;
        }
        for (EngagementChange e : change.engagements()) {
            StoredEngagement now = engagements.get(EngagementKey.of(e.next()));
            long was = e.previous() == null ? 0 : e.previous().version();
            if ((now == null ? 0 : now.version()) != was) {
                return SaveOutcome.CONFLICT;
            }
        }
        Set<String> before = current == null ? Set.of() : new HashSet<>(DirectoryIndex.keysOf(current.entry()));
        for (String key : before) {
            placements.get(key).remove(userId);
        }
        for (String key : DirectoryIndex.keysOf(change.next())) {
            placements.computeIfAbsent(key, k -> new TreeMap<>()).put(userId, change.next());
        }
        entries.put(userId, new Stored(change.next(), expected + 1, change.highWater()));
        for (EngagementChange e : change.engagements()) {
            long was = e.previous() == null ? 0 : e.previous().version();
            engagements.put(EngagementKey.of(e.next()), new StoredEngagement(e.next(), was + 1));
        }
        return SaveOutcome.SAVED;
    }

    @Override
    public synchronized List<DirectoryEntry> candidates(Campaign campaign) {
        List<DirectoryEntry> found = new ArrayList<>();
        for (String key : DirectoryIndex.keysFor(campaign)) {
            keysRead++;
            TreeMap<String, DirectoryEntry> cell = placements.get(key);
            if (cell != null) {
                found.addAll(cell.values());
            }
        }
        return found;
    }

    /** Every engagement recorded for a campaign, by user id. */
    public synchronized List<TargetEngagement> engagementsOf(String campaignId) {
        List<TargetEngagement> found = new ArrayList<>();
        engagements.forEach((key, stored) -> {
            if (key.campaignId().equals(campaignId)) {
                found.add(stored.engagement());
            }
        });
        found.sort(java.util.Comparator.comparing(TargetEngagement::userId));
        return found;
    }

    /** The entry of a user, or null. */
    public synchronized DirectoryEntry entry(String userId) {
        Stored stored = entries.get(userId);
        return stored == null ? null : stored.entry();
    }

    /** Users placed under an index key, in user-id order. */
    public synchronized List<String> placedUnder(String key) {
        TreeMap<String, DirectoryEntry> cell = placements.get(Objects.requireNonNull(key));
        return cell == null ? List.of() : List.copyOf(cell.keySet());
    }

    /** Index keys read by {@link #candidates} so far. */
    public synchronized long keysRead() {
        return keysRead;
    }

    public synchronized int size() {
        return entries.size();
    }
}
