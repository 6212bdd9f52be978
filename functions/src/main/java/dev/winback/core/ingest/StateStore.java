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

    /**
     * The read a batch starts from: it may miss a write of the last moment (an eventually consistent
     * read, half the price, where the store offers one). That is safe for callers whose writes are
     * conditional on the version read ({@link #save}, {@link #replace}): a stale read ends in
     * {@link SaveOutcome#CONFLICT}, and the caller rereads with {@link #load}, which is always current.
     */
    default Map<String, StoredState> loadRecent(Collection<String> keys) {
        return load(keys);
    }

    /**
     * Writes {@code next} in place of {@code current} (null: {@code next} is new) if nobody wrote in
     * between — {@link #save} with {@code current}'s version. A store whose change stream feeds segment
     * changes marks the writes whose tags differ from {@code current}'s, so that the stream's consumer
     * is invoked for those writes only.
     */
    default SaveOutcome replace(StoredState current, StoredState next) {
        return save(next, current == null ? 0 : current.version());
    }

    enum SaveOutcome {
        SAVED,
        /** Someone else wrote first: reload and apply again. */
        CONFLICT,
        /** Throttled or unavailable: the records must be delivered again later. */
        UNAVAILABLE
    }
}
