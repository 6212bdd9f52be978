package dev.winback.adapters;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state store for laptop runs: a map with the same conditional-write rule as the DynamoDB one.
 * It keeps the states as the core folded them (a read hands out copies), which spares a simulation
 * the encode and decode of every write; {@link #encoding()} keeps the encoded bytes instead, as the
 * table does, for benchmarks that must pay what a function pays.
 */
public final class InMemoryStateStore implements StateStore {

    private final ConcurrentHashMap<String, StoredState> items = new ConcurrentHashMap<>();
    /** The dormant-cohort index, as the table's index keeps it: cohort key -> the subjects filed under it. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, StoredState>> cohorts = new ConcurrentHashMap<>();
    private final boolean encoding;

    public InMemoryStateStore() {
        this(false);
    }

    private InMemoryStateStore(boolean encoding) {
        this.encoding = encoding;
    }

    /** A store that encodes every state written and decodes every state read, as DynamoDB's adapter does. */
    public static InMemoryStateStore encoding() {
        return new InMemoryStateStore(true);
    }

    @Override
    public Map<String, StoredState> load(Collection<String> keys) {
        Map<String, StoredState> found = new HashMap<>();
        for (String key : keys) {
            StoredState state = items.get(key);
            if (state != null) {
                found.put(key, state);
            }
        }
        return found;
    }

    @Override
    public SaveOutcome save(StoredState written, long expectedVersion) {
        StoredState next = encoding ? new StoredState(written.key(), written.version(), written.highWater(),
                written.body(), written.tags(), written.cohort()) : written;
        boolean[] saved = {false};
        items.compute(next.key(), (key, held) -> {
            long heldVersion = held == null ? 0 : held.version();
            if (heldVersion != expectedVersion) {
                return held;
            }
            saved[0] = true;
            String heldCohort = held == null || held.cohort() == null ? null : held.cohort().key();
            String nextCohort = next.cohort() == null ? null : next.cohort().key();
            if (heldCohort != null && !heldCohort.equals(nextCohort)) {
                cohorts.get(heldCohort).remove(key);
            }
            if (nextCohort != null) {
                cohorts.computeIfAbsent(nextCohort, k -> new ConcurrentHashMap<>()).put(key, next);
            }
            return next;
        });
        return saved[0] ? SaveOutcome.SAVED : SaveOutcome.CONFLICT;
    }

    /** Local stand-in for the dormant-cohort index: the users filed under that day and shard. */
    public dev.winback.core.dormancy.DormantCohort cohortIndex() {
        return (dormantFrom, shard) -> {
            String key = dev.winback.core.dormancy.DormantCohorts.key(dormantFrom, shard);
            java.util.List<dev.winback.core.dormancy.DormantCohort.Member> members = new java.util.ArrayList<>();
            new TreeMap<>(cohorts.getOrDefault(key, new ConcurrentHashMap<>())).values().forEach(state -> {
                String userId = state.key().substring(dev.winback.core.ingest.SubjectKey.USER.length());
                members.add(new dev.winback.core.dormancy.DormantCohort.Member(userId, dormantFrom,
                        dev.winback.core.recall.ContactCard.fromMap(userId, state.cohort().contact())));
            });
            return members;
        };
    }

    /** An independent store holding the same items (items never change, so a shallow copy). */
    public InMemoryStateStore copy() {
        InMemoryStateStore copy = new InMemoryStateStore(encoding);
        copy.items.putAll(items);
        cohorts.forEach((key, members) -> copy.cohorts.put(key, new ConcurrentHashMap<>(members)));
        return copy;
    }

    /** Every stored subject, ordered by key. */
    public Map<String, StoredState> all() {
        return new TreeMap<>(items);
    }
}
