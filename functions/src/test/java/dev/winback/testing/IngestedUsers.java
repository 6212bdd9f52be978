package dev.winback.testing;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Fills an {@link InMemoryStateStore} the way production does: every event goes through
 * {@link StreamIngest} as its own stream record, with a fresh eventId and the next sequence number,
 * so the stored state carries the dormancy day and the cohort-index entry ingestion computes.
 *
 * <pre>{@code
 * IngestedUsers users = new IngestedUsers(policy);
 * users.login("u1", "2026-11-22T02:00:00Z").profile("u1", "2026-11-22T02:01:00Z", Map.of("phone", "+8613800000000"));
 * DormantCohort index = users.store().cohortIndex();
 * }</pre>
 */
public final class IngestedUsers {

    private final Policy policy;
    private final InMemoryStateStore store;
    private final CollectingQuarantine quarantine = new CollectingQuarantine();
    private long sequence = 1_000;

    public IngestedUsers(Policy policy) {
        this(policy, new InMemoryStateStore());
    }

    public IngestedUsers(Policy policy, InMemoryStateStore store) {
        this.policy = policy;
        this.store = store;
    }

    public InMemoryStateStore store() {
        return store;
    }

    /** Ingests {@code event} (userId, eventId and sequence number filled in) at {@code at}. */
    public IngestedUsers apply(String userId, String at, EventJson event) {
        long seq = ++sequence;
        StreamIngest ingest = new StreamIngest(policy, store, quarantine,
                Clock.fixed(Instant.parse(at), ZoneOffset.UTC), 1);
        IngestReport report = ingest.ingest(List.of(event.user(userId).id("ev-" + seq).at(at).record(Long.toString(seq))));
        if (report.applied() != 1) {
            throw new AssertionError("event not applied: " + report + " for " + event.json()
                    + " quarantined " + quarantine.records());
        }
        return this;
    }

    public IngestedUsers login(String userId, String at) {
        return apply(userId, at, EventJson.event("login"));
    }

    public IngestedUsers register(String userId, String at) {
        return apply(userId, at, EventJson.event("register"));
    }

    /** A profile_updated event carrying {@code fields} (e.g. phone, email, wecomId, timezone, locale). */
    public IngestedUsers profile(String userId, String at, Map<String, ?> fields) {
        EventJson event = EventJson.event("profile_updated");
        fields.forEach(event::with);
        return apply(userId, at, event);
    }

    public IngestedUsers consent(String userId, String at, String channel, boolean optedIn) {
        return apply(userId, at, EventJson.event("consent_updated").with("channel", channel).with("optedIn", optedIn));
    }

    /** The stored item of a user, or null. */
    public StoredState stored(String userId) {
        return store.load(List.of(SubjectKey.user(userId))).get(SubjectKey.user(userId));
    }

    /** The decoded state of a user, or null. */
    public UserState state(String userId) {
        StoredState stored = stored(userId);
        return stored == null ? null : StateCodec.fromBytes(stored.body(), UserState.class);
    }
}
