package dev.winback.local.cost;

import dev.winback.adapters.DynamoStateStore;
import dev.winback.core.ingest.StoredState;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * DynamoDB's on-demand request units, by its published rules:
 *
 * <ul>
 *   <li>a write: 1 WRU per started KB of the item written (a conditional write is billed the same,
 *       whether its condition holds or not); in a transaction, 2 WRU per started KB;</li>
 *   <li>a strongly consistent read: 1 RRU per started 4 KB of the item; eventually consistent: half;
 *       an item that does not exist still costs the minimum; in a Query the sizes of the returned
 *       items are summed before rounding;</li>
 *   <li>a global secondary index entry is the index key, the table key, the projected attributes and
 *       100 bytes; writing the table writes the index only when the entry appears, changes or goes
 *       (a key change is a delete plus a put).</li>
 * </ul>
 */
public final class DynamoUnits {

    public static final int WRITE_UNIT_BYTES = 1024;
    public static final int READ_UNIT_BYTES = 4096;
    /** What DynamoDB adds to every index entry (and, for storage, to every item). */
    public static final int INDEX_OVERHEAD_BYTES = 100;

    private DynamoUnits() {
    }

    public static long writeUnits(long itemBytes) {
        return Math.max(1, ceilDiv(itemBytes, WRITE_UNIT_BYTES));
    }

    public static long transactionalWriteUnits(long itemBytes) {
        return 2 * writeUnits(itemBytes);
    }

    /** @return read units of one item, or of the summed items of one Query page */
    public static double readUnits(long bytes, boolean stronglyConsistent) {
        double units = Math.max(1, ceilDiv(bytes, READ_UNIT_BYTES));
        return stronglyConsistent ? units : units / 2;
    }

    /** The size of a state item as {@link DynamoStateStore} writes it (attribute names and values). */
    public static int stateItemBytes(StoredState state) {
        return DynamoStateStore.itemSizeBytes(state);
    }

    /**
     * The DormantCohort index entry of a state item: {@code cohort} (the index key), {@code pk} (the
     * table key), the projected {@code contact} map, plus the index overhead; 0 when the item has no
     * cohort (the index is sparse).
     */
    public static int cohortEntryBytes(StoredState state) {
        if (state.cohort() == null) {
            return 0;
        }
        int size = "pk".length() + utf8(state.key()) + "cohort".length() + utf8(state.cohort().key())
                + "contact".length() + 3 + INDEX_OVERHEAD_BYTES;
        for (Map.Entry<String, String> field : state.cohort().contact().entrySet()) {
            size += utf8(field.getKey()) + utf8(field.getValue()) + 1;
        }
        return size;
    }

    /**
     * Index writes caused by writing {@code next} over {@code previous} (null: a new item): 0 when
     * neither has a cohort entry or the entry (key and projected contact) is unchanged, 1 when it
     * appears, goes or only its projected attributes change, 2 when its key changes.
     */
    public static int cohortIndexWrites(StoredState previous, StoredState next) {
        StoredState.CohortEntry before = previous == null ? null : previous.cohort();
        StoredState.CohortEntry after = next.cohort();
        if (before == null && after == null) {
            return 0;
        }
        if (before == null || after == null) {
            return 1;
        }
        if (!before.key().equals(after.key())) {
            return 2;
        }
        return before.contact().equals(after.contact()) ? 0 : 1;
    }

    static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    static long ceilDiv(long value, long unit) {
        return (value + unit - 1) / unit;
    }
}
