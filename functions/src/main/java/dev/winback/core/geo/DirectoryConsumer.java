package dev.winback.core.geo;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.ingest.SequenceNumbers;
import dev.winback.core.ingest.StoreUnavailableException;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the directory current from the behavior stream (D1, D7): {@code profile_updated} records
 * fold into a user's entry ({@link DirectoryProfile}) and move their placements;
 * {@code message_read}, {@code message_clicked} and {@code transaction} records of campaign messages
 * update the user's message sensitivity, last deal time and conversion rate, and the message's
 * {@link TargetEngagement} ({@link CampaignFeedback}), both in one write.
 *
 * <p>Records are decoded with the ingest's rules and grouped by user in stream order; each user's
 * entry is read once (the engagements its feedback names too), the records above its high-water mark
 * are folded, and the result is written once, conditionally on the versions read. A conflict (a send
 * or an import wrote the user in between) re-reads and folds again; a store error reports the user's
 * first record so the stream delivers it again — records at or below the stored high-water mark are
 * then skipped, so nothing is applied twice.
 *
 * <p>What starts an entry: a {@code profile_updated} that names a {@code role} (a trader's profile);
 * the other fields only update an entry that exists (an app user's profile events are not the
 * directory's). Feedback never starts an entry. Feedback names its message by the campaign message id
 * ({@link CampaignMessageIds}); a read or click of a message whose send is not recorded is ignored, a
 * transaction without a campaign message id only moves the last deal time.
 */
public final class DirectoryConsumer {

    /** Conflicting writes of one user are re-read and re-applied this many times within a batch. */
    static final int MAX_ATTEMPTS = 4;
    /** Engagements written with one entry; more feedback of one user in one batch is written in steps. */
    static final int MAX_ENGAGEMENTS_PER_SAVE = 20;

    private final EventDecoder decoder;
    private final Directory directory;
    private final CampaignFeedback feedback;
    private final int parallelism;

    public DirectoryConsumer(Policy policy, Directory directory, CampaignFeedback feedback, int parallelism) {
        this.decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        this.directory = directory;
        this.feedback = feedback;
        this.parallelism = Math.max(1, parallelism);
    }

    /** A record of one user, decoded. */
    private record Pending(String sequenceNumber, BehaviorEvent event) {
    }

    public DirectoryReport consume(List<StreamRecord> records) {
        Map<String, List<Pending>> byUser = new LinkedHashMap<>();
        int skipped = 0;
        for (StreamRecord record : records) {
            // A bad record is skipped here: IngestFunction reads the same record and quarantines it.
            if (!(decoder.decode(record.data(), record.arrivedAt()) instanceof Decoded.Accepted accepted)
                    || !isDirectoryEvent(accepted.event())) {
                skipped++;
                continue;
            }
            byUser.computeIfAbsent(accepted.event().envelope().userId(), u -> new ArrayList<>())
                    .add(new Pending(record.sequenceNumber(), accepted.event()));
        }
        Tally tally = new Tally();
        List<String> failed = new ArrayList<>();
        if (!byUser.isEmpty()) {
            Map<String, Directory.Stored> entries;
            Map<Directory.EngagementKey, Directory.StoredEngagement> engagements;
            try {
                entries = directory.load(byUser.keySet());
                engagements = directory.engagements(engagementKeys(byUser));
            } catch (StoreUnavailableException e) {
                byUser.values().forEach(pending -> failed.add(pending.get(0).sequenceNumber()));
                return new DirectoryReport(records.size(), 0, 0, 0, skipped, 0, failed);
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            forEachUser(byUser, (userId, pending) -> {
                try {
                    apply(userId, pending, entries.get(userId), engagements, tally);
                } catch (RuntimeException e) {
                    // The store refused, or the change cannot be written: the stream delivers the
                    // user's records again (and, if it never can, to the failure queue).
                    failures.add(pending.get(0).sequenceNumber());
                }
            });
            failed.addAll(failures);
        }
        failed.sort(SequenceNumbers.ORDER);
        return new DirectoryReport(records.size(), tally.applied.get(), tally.redelivered.get(), tally.ignored.get(),
                skipped, tally.saved.get(), failed);
    }

    private static final class Tally {
        final AtomicInteger applied = new AtomicInteger();
        final AtomicInteger redelivered = new AtomicInteger();
        final AtomicInteger ignored = new AtomicInteger();
        final AtomicInteger saved = new AtomicInteger();
    }

    private interface UserWork {
        void run(String userId, List<Pending> pending);
    }

    private void forEachUser(Map<String, List<Pending>> byUser, UserWork work) {
        if (parallelism == 1 || byUser.size() == 1) {
            byUser.forEach(work::run);
            return;
        }
        Semaphore permits = new Semaphore(parallelism);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            byUser.forEach((userId, pending) -> executor.submit(() -> {
                permits.acquireUninterruptibly();
                try {
                    work.run(userId, pending);
                } finally {
                    permits.release();
                }
            }));
        }
    }

    /** Folds one user's records and writes the result, re-reading on conflicts. */
    private void apply(String userId, List<Pending> pending, Directory.Stored loaded,
                       Map<Directory.EngagementKey, Directory.StoredEngagement> loadedEngagements, Tally tally) {
        Directory.Stored stored = loaded;
        Map<Directory.EngagementKey, Directory.StoredEngagement> engagements = new HashMap<>();
        for (Directory.EngagementKey key : engagementKeys(Map.of(userId, pending))) {
            if (loadedEngagements.containsKey(key)) {
                engagements.put(key, loadedEngagements.get(key));
            }
        }
        int from = 0;
        for (int attempt = 1; from < pending.size(); attempt++) {
            Fold fold = fold(stored, engagements, pending, from);
            if (fold.change == null) {
                tally.applied.addAndGet(fold.applied);
                tally.redelivered.addAndGet(fold.redelivered);
                tally.ignored.addAndGet(fold.ignored);
                return;
            }
            if (directory.save(fold.change) == Directory.SaveOutcome.SAVED) {
                tally.applied.addAndGet(fold.applied);
                tally.redelivered.addAndGet(fold.redelivered);
                tally.ignored.addAndGet(fold.ignored);
                tally.saved.incrementAndGet();
                from = fold.next;
                stored = new Directory.Stored(fold.change.next(), stored == null ? 1 : stored.version() + 1,
                        fold.change.highWater());
                for (Directory.EngagementChange c : fold.change.engagements()) {
                    Directory.StoredEngagement before = c.previous();
                    engagements.put(Directory.EngagementKey.of(c.next()),
                            new Directory.StoredEngagement(c.next(), before == null ? 1 : before.version() + 1));
                }
                attempt = 0;
                continue;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new StoreUnavailableException("the directory entry of a user kept changing during "
                        + MAX_ATTEMPTS + " attempts", null);
            }
            stored = directory.load(List.of(userId)).get(userId);
            engagements = new HashMap<>(directory.engagements(engagementKeys(Map.of(userId, pending))));
        }
    }

    /** The result of folding records {@code from}..: the change to write (null: nothing to write), and where the next fold starts. */
    private record Fold(Directory.Change change, int next, int applied, int redelivered, int ignored) {
    }

    private Fold fold(Directory.Stored stored, Map<Directory.EngagementKey, Directory.StoredEngagement> engagements,
                      List<Pending> pending, int from) {
        DirectoryEntry entry = stored == null ? null : stored.entry();
        String highWater = stored == null ? null : stored.highWater();
        String lastApplied = null;
        Map<Directory.EngagementKey, TargetEngagement> changed = new LinkedHashMap<>();
        int applied = 0;
        int redelivered = 0;
        int ignored = 0;
        int i = from;
        for (; i < pending.size() && changed.size() < MAX_ENGAGEMENTS_PER_SAVE; i++) {
            Pending p = pending.get(i);
            if (!SequenceNumbers.isAfter(p.sequenceNumber(), highWater)) {
                redelivered++;
                continue;
            }
            DirectoryEntry entryBefore = entry;
            Directory.EngagementKey key = key(messageIdOf(p.event()), p.event().envelope().userId());
            TargetEngagement engagementBefore = key == null ? null : current(key, engagements, changed);
            TargetEngagement engagementAfter = engagementBefore;
            if (p.event() instanceof BehaviorEvent.ProfileUpdated update) {
                if (entry != null || update.fields().get("role") instanceof String) {
                    entry = DirectoryProfile.fold(entry, update);
                }
            } else if (p.event() instanceof BehaviorEvent.MessageFeedback message && entry != null
                    && engagementBefore != null) {
                CampaignFeedback.Update update = feedback.apply(entry, engagementBefore, message);
                entry = update.entry();
                engagementAfter = update.engagement();
            } else if (p.event() instanceof BehaviorEvent.Transaction deal && entry != null) {
                CampaignFeedback.Update update = feedback.transaction(entry, engagementBefore, deal.occurredAt());
                entry = update.entry();
                engagementAfter = update.engagement();
            }
            if (engagementAfter != null && !engagementAfter.equals(engagementBefore)) {
                changed.put(key, engagementAfter);
            }
            boolean effect = entry != null
                    && (!entry.equals(entryBefore) || !Objects.equals(engagementAfter, engagementBefore));
            if (effect) {
                applied++;
            } else {
                ignored++;
            }
            lastApplied = p.sequenceNumber();
        }
        if (entry == null || lastApplied == null
                || (stored != null && entry.equals(stored.entry()) && changed.isEmpty())) {
            return new Fold(null, pending.size(), applied, redelivered, ignored);
        }
        List<Directory.EngagementChange> engagementChanges = new ArrayList<>();
        changed.forEach((k, next) -> engagementChanges.add(new Directory.EngagementChange(engagements.get(k), next)));
        return new Fold(new Directory.Change(stored, entry, lastApplied, engagementChanges), i, applied, redelivered,
                ignored);
    }

    private static String messageIdOf(BehaviorEvent event) {
        return switch (event) {
            case BehaviorEvent.MessageFeedback m -> m.messageId();
            case BehaviorEvent.Transaction t -> t.messageId();
            default -> null;
        };
    }

    /** The engagement as this fold left it so far, else as stored; null when the send is not recorded. */
    private static TargetEngagement current(Directory.EngagementKey key,
                                            Map<Directory.EngagementKey, Directory.StoredEngagement> engagements,
                                            Map<Directory.EngagementKey, TargetEngagement> changed) {
        if (changed.containsKey(key)) {
            return changed.get(key);
        }
        Directory.StoredEngagement stored = engagements.get(key);
        return stored == null ? null : stored.engagement();
    }

    private static Directory.EngagementKey key(String messageId, String userId) {
        String campaignId = CampaignMessageIds.campaignOf(messageId, userId);
        return campaignId == null ? null : new Directory.EngagementKey(campaignId, userId);
    }

    private static Set<Directory.EngagementKey> engagementKeys(Map<String, List<Pending>> byUser) {
        Set<Directory.EngagementKey> keys = new HashSet<>();
        byUser.forEach((userId, pending) -> pending.forEach(p -> {
            Directory.EngagementKey key = key(messageIdOf(p.event()), userId);
            if (key != null) {
                keys.add(key);
            }
        }));
        return keys;
    }

    private static boolean isDirectoryEvent(BehaviorEvent event) {
        return event.envelope().userId() != null && switch (event.type()) {
            case PROFILE_UPDATED, MESSAGE_READ, MESSAGE_CLICKED, TRANSACTION -> true;
            default -> false;
        };
    }
}
