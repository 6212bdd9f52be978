package dev.winback.core.ingest;

import java.util.Collection;
import java.util.Map;

/** Port: where subject state lives (DynamoDB in AWS, memory or DynamoDB Local on a laptop). */
public interface StateStore {

    /**
     * @return the stored state of each key that exists
     * @throws StoreUnavailableException when the store cannot answer now (throttled, 5xx, network)
     */
    Map<String, StoredState> load(Collection<String> keys);

    /** Writes {@code next} if the stored version is still {@code expectedVersion} (0 = must not exist). */
    SaveOutcome save(StoredState next, long expectedVersion);

    enum SaveOutcome {
        SAVED,
        /** Someone else wrote first: reload and apply again. */
        CONFLICT,
        /** Throttled or unavailable: the records must be delivered again later. */
        UNAVAILABLE
    }
}
