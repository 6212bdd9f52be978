package dev.winback.core.ingest;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.dormancy.DormantCohorts;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Timer;
import dev.winback.core.scenario.Journey;
import dev.winback.core.scenario.JourneyTimers;
import dev.winback.core.scenario.ScenarioStrategy;
import dev.winback.core.scenario.ScenarioTimers;
import dev.winback.core.recall.TimerRule;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.segments.SegmentChange;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.Subject;
import dev.winback.core.state.UserState;
import java.time.Instant;
import java.util.HashMap;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Applies one stream batch to subject state: decode and validate every record, quarantine the bad
 * ones, coalesce the good ones per subject, and write each subject once, conditionally.
 *
 * <p>Redelivery is harmless: a record at or below the subject's stored high-water sequence number is
 * skipped, and an eventId seen among the subject's recent events is a producer retry. A subject whose
 * write fails transiently is reported back so the stream delivers its records again.
 */
public final class StreamIngest {

    private static final int MAX_CONFLICT_RETRIES = 3;
    /** One SQS batch: a refusal inside it can repeat at most this many messages. */
    private static final int QUARANTINE_CHUNK = 10;

    private final Policy policy;
    private final EventDecoder decoder;
    private final StateStore store;
    private final Quarantine quarantine;
    private final Clock clock;
    private final int parallelism;
    private final TimerScheduler timers;
    private final java.util.Collection<ScenarioStrategy> scenarios;
    private final java.util.Collection<Journey> journeys;

    /** Ingest without deadline timers (benchmarks, state-only replays). */
    public StreamIngest(Policy policy, StateStore store, Quarantine quarantine, Clock clock, int parallelism) {
        this(policy, store, quarantine, clock, parallelism, (armed, now) -> { });
    }

    /**
     * @param parallelism how many subjects are written at once (1 = in order, as the simulator needs)
     * @param timers      where A2's deadline timers are armed for watched-page entries
     */
    public StreamIngest(Policy policy, StateStore store, Quarantine quarantine, Clock clock, int parallelism,
                        TimerScheduler timers) {
        this.timers = timers;
        this.policy = policy;
        this.scenarios = ScenarioStrategy.allOf(policy).values();
        this.journeys = Journey.allOf(policy).values();
        this.decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        this.store = store;
        this.quarantine = quarantine;
        this.clock = clock;
        this.parallelism = Math.max(1, parallelism);
    }

    public IngestReport ingest(List<StreamRecord> records) {
        Map<String, List<Pending>> bySubject = new LinkedHashMap<>();
        List<Quarantine.QuarantinedRecord> rejected = new ArrayList<>();
        for (StreamRecord record : records) {
            switch (decoder.decode(record.data(), record.arrivedAt())) {
                case Decoded.Accepted accepted -> bySubject
                        .computeIfAbsent(SubjectKey.of(accepted.event()), k -> new ArrayList<>())
                        .add(new Pending(record, accepted.event()));
                case Decoded.Rejected r ->
                        rejected.add(new Quarantine.QuarantinedRecord(record, r.rejection(), clock.instant()));
            }
        }

        List<SubjectResult> results;
        try {
            // Possibly a moment stale (StateStore.loadRecent): every save below is conditional on the
            // version read, and a conflict rereads with the current load.
            Map<String, StoredState> stored = bySubject.isEmpty() ? Map.of() : store.loadRecent(bySubject.keySet());
            results = applyAll(bySubject, stored);
        } catch (StoreUnavailableException e) {
            results = bySubject.values().stream().map(SubjectResult::failed).toList();
        }

        TreeSet<String> failed = new TreeSet<>(SequenceNumbers.ORDER);
        for (SubjectResult result : results) {
            failed.addAll(result.failedSequenceNumbers());
        }
        // Records after the first failure come back anyway; quarantining them now would do it twice.
        List<Quarantine.QuarantinedRecord> toQuarantine = rejected.stream()
                .filter(q -> failed.isEmpty() || SequenceNumbers.ORDER.compare(q.record().sequenceNumber(), failed.first()) < 0)
                .toList();
        Set<String> notQuarantined = quarantineInOrder(toQuarantine);
        failed.addAll(notQuarantined);

        return new IngestReport(records.size(),
                results.stream().mapToInt(SubjectResult::applied).sum(),
                results.stream().mapToInt(SubjectResult::duplicates).sum(),
                quarantinedCount(toQuarantine, notQuarantined),
                bySubject.size(),
                results.stream().mapToInt(SubjectResult::writes).sum(),
                results.stream().mapToInt(SubjectResult::conflicts).sum(),
                List.copyOf(failed),
                results.stream().flatMap(r -> r.segmentChanges().stream()).toList(),
                results.stream().mapToInt(SubjectResult::segmentFailures).sum());
    }

    /**
     * Sends in sequence order, a queue batch at a time, and stops at the first refusal: the stream
     * delivers everything from the refused record on again, so sending later ones now would send
     * them twice.
     */
    private Set<String> quarantineInOrder(List<Quarantine.QuarantinedRecord> records) {
        for (int from = 0; from < records.size(); from += QUARANTINE_CHUNK) {
            List<Quarantine.QuarantinedRecord> chunk = records.subList(from, Math.min(records.size(), from + QUARANTINE_CHUNK));
            Set<String> refused = quarantine.send(chunk);
            if (!refused.isEmpty()) {
                Set<String> notSent = new java.util.HashSet<>(refused);
                records.subList(from + chunk.size(), records.size()).forEach(q -> notSent.add(q.record().sequenceNumber()));
                return notSent;
            }
        }
        return Set.of();
    }

    private static int quarantinedCount(List<Quarantine.QuarantinedRecord> records, Set<String> notSent) {
        return (int) records.stream().filter(q -> !notSent.contains(q.record().sequenceNumber())).count();
    }

    private List<SubjectResult> applyAll(Map<String, List<Pending>> bySubject, Map<String, StoredState> stored) {
        // Fold every subject first so that the batch's timers are armed together, in few requests,
        // and before any state is saved: a saved state skips its records on redelivery, so a timer
        // lost after the save would be lost for good. (A timer armed twice is harmless: the check
        // is idempotent per timer id.)
        Map<String, Applied> folded = new LinkedHashMap<>();
        bySubject.forEach((key, events) -> folded.put(key, applyEvents(key, events, stored.get(key))));
        List<Timer> batchTimers = folded.values().stream().flatMap(a -> a.timers.stream()).toList();
        boolean timersArmed = arm(batchTimers);

        if (parallelism == 1 || bySubject.size() == 1) {
            List<SubjectResult> results = new ArrayList<>(bySubject.size());
            bySubject.forEach((key, events) ->
                    results.add(saveSubject(key, events, stored.get(key), folded.get(key), timersArmed)));
            return results;
        }
        Semaphore permits = new Semaphore(parallelism);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SubjectResult>> futures = new ArrayList<>(bySubject.size());
            bySubject.forEach((key, events) -> futures.add(executor.submit(() -> {
                permits.acquire();
                try {
                    return saveSubject(key, events, stored.get(key), folded.get(key), timersArmed);
                } finally {
                    permits.release();
                }
            })));
            List<SubjectResult> results = new ArrayList<>(futures.size());
            for (Future<SubjectResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing state", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private boolean arm(List<Timer> toArm) {
        if (toArm.isEmpty()) {
            return true;
        }
        try {
            timers.schedule(toArm, clock.instant());
            return true;
        } catch (TimerScheduler.TimerUnavailableException e) {
            return false;
        }
    }

    /**
     * Writes a subject's folded state once; on a write conflict reloads, folds again (arming any
     * timers that fold produces) and tries again.
     */
    private SubjectResult saveSubject(String key, List<Pending> events, StoredState current, Applied applied,
                                      boolean timersArmed) {
        if (!timersArmed && !applied.timers.isEmpty()) {
            return SubjectResult.failed(events);
        }
        int conflicts = 0;
        while (true) {
            if (applied.next == null) {
                return new SubjectResult(0, applied.duplicates, 0, conflicts, List.of());
            }
            StateStore.SaveOutcome outcome;
            try {
                outcome = store.replace(current, applied.next);
            } catch (StoreUnavailableException e) {
                outcome = StateStore.SaveOutcome.UNAVAILABLE;
            }
            switch (outcome) {
                case SAVED -> {
                    return new SubjectResult(applied.applied, applied.duplicates, 1, conflicts, List.of(),
                            applied.segmentChanges, applied.segmentFailures);
                }
                case CONFLICT -> {
                    conflicts++;
                    if (conflicts > MAX_CONFLICT_RETRIES) {
                        return SubjectResult.failed(events).withConflicts(conflicts);
                    }
                    try {
                        current = store.load(List.of(key)).get(key);
                    } catch (StoreUnavailableException e) {
                        return SubjectResult.failed(events).withConflicts(conflicts);
                    }
                    applied = applyEvents(key, events, current);
                    if (!arm(applied.timers)) {
                        return SubjectResult.failed(events).withConflicts(conflicts);
                    }
                }
                case UNAVAILABLE -> {
                    return SubjectResult.failed(events).withConflicts(conflicts);
                }
            }
        }
    }

    private Applied applyEvents(String key, List<Pending> events, StoredState current) {
        Subject subject = current == null ? newSubject(key) : current.state(typeOf(key));
        Map<String, Instant> enteredBefore = watchedEntries(subject);
        Instant registeredBefore = subject instanceof UserState user ? user.registeredAt : null;
        String highWater = current == null ? null : current.highWater();
        String newHighWater = highWater;
        int applied = 0;
        int duplicates = 0;
        for (Pending pending : events) {
            String sequence = pending.record.sequenceNumber();
            if (!SequenceNumbers.isAfter(sequence, highWater)) {
                duplicates++; // redelivered by the stream: already in the stored state
                continue;
            }
            if (SequenceNumbers.isAfter(sequence, newHighWater)) {
                newHighWater = sequence;
            }
            if (subject.hasSeen(pending.event.eventId())) {
                duplicates++; // the producer sent the same event twice
                continue;
            }
            applyTo(subject, pending.event);
            subject.remember(pending.event.eventId(), policy.ingest().dedupWindow());
            applied++;
        }
        if (applied == 0) {
            return new Applied(null, 0, duplicates, List.of(), List.of(), 0);
        }
        Set<String> tags = Set.of();
        List<Timer> newTimers = List.of();
        StoredState.CohortEntry cohort = null;
        List<SegmentChange> segmentChanges = List.of();
        int segmentFailures = 0;
        if (subject instanceof UserState user) {
            SegmentRules.Segmentation segments = SegmentRules.segment(user, user.lastSeenAt, policy);
            segmentChanges = SegmentChange.between(user.userId, user.tags, segments.tags(), user.lastSeenAt);
            segmentFailures = segments.failures();
            user.tags = segments.tags();
            user.dormantFrom = SegmentRules.dormantFrom(user, user.dormantFrom, policy);
            tags = user.tags;
            newTimers = newTimers(user, enteredBefore);
            if (user.registeredAt != null && !user.registeredAt.equals(registeredBefore)) {
                // C3: a scenario that starts at registration (new_no_order: 30 min later) is armed now;
                // C5: so is the first step of each journey the user starts (recorded in the state saved below).
                newTimers = new ArrayList<>(newTimers);
                newTimers.addAll(ScenarioTimers.onRegistration(scenarios, user));
                newTimers.addAll(JourneyTimers.onRegistration(journeys, user));
            }
            cohort = DormantCohorts.entry(user, policy);
        }
        long version = current == null ? 1 : current.version() + 1;
        StoredState next = StoredState.of(key, version, newHighWater, subject, tags, cohort);
        return new Applied(next, applied, duplicates, newTimers, segmentChanges, segmentFailures);
    }

    private static Map<String, Instant> watchedEntries(Subject subject) {
        return subject instanceof UserState user && user.session != null
                ? new HashMap<>(user.session.watchedEnteredAt) : Map.of();
    }

    /** A2/A9: a timer for every watched page (re-)entered in this batch and still pending after it. */
    private List<Timer> newTimers(UserState user, Map<String, Instant> enteredBefore) {
        if (user.session == null) {
            return List.of();
        }
        List<Timer> result = new ArrayList<>();
        user.session.watchedEnteredAt.forEach((page, enteredAt) -> {
            if (!enteredAt.equals(enteredBefore.get(page))) {
                result.add(new Timer(user.userId, page, enteredAt, enteredAt.plus(TimerRule.duration(user, page, policy))));
            }
        });
        return result;
    }

    private void applyTo(Subject subject, BehaviorEvent event) {
        switch (subject) {
            case UserState user -> user.apply(event, policy);
            case OpsState ops -> {
                if (event instanceof BehaviorEvent.DeliveryPressure pressure) {
                    ops.reportPressure(pressure.zone(), pressure.value(), pressure.occurredAt());
                } else if (event instanceof BehaviorEvent.MerchantSupply supply) {
                    ops.reportSupply(supply.merchantId(), supply.status().wireName(), supply.occurredAt());
                }
            }
            default -> throw new IllegalStateException("unknown subject " + subject.getClass());
        }
    }

    private static Subject newSubject(String key) {
        return SubjectKey.isUser(key) ? UserState.newUser(key.substring(SubjectKey.USER.length())) : new OpsState();
    }

    private static Class<? extends Subject> typeOf(String key) {
        return SubjectKey.isUser(key) ? UserState.class : OpsState.class;
    }

    private record Pending(StreamRecord record, BehaviorEvent event) {
    }

    private record Applied(StoredState next, int applied, int duplicates, List<Timer> timers,
                           List<SegmentChange> segmentChanges, int segmentFailures) {
    }

    private record SubjectResult(int applied, int duplicates, int writes, int conflicts,
                                 List<String> failedSequenceNumbers, List<SegmentChange> segmentChanges,
                                 int segmentFailures) {

        SubjectResult(int applied, int duplicates, int writes, int conflicts, List<String> failedSequenceNumbers) {
            this(applied, duplicates, writes, conflicts, failedSequenceNumbers, List.of(), 0);
        }

        static SubjectResult failed(List<Pending> events) {
            return new SubjectResult(0, 0, 0, 0, events.stream().map(p -> p.record.sequenceNumber()).toList());
        }

        SubjectResult withConflicts(int count) {
            return new SubjectResult(applied, duplicates, writes, count, failedSequenceNumbers);
        }
    }

}
