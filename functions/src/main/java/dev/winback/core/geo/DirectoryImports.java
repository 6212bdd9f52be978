package dev.winback.core.geo;

import dev.winback.core.ingest.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a validated bulk import ({@link DirectoryImport}: the whole file was checked first, so no
 * line of a bad file is ever written) into the directory, through the same {@link Directory#save} as
 * the stream: each entry with its placements, conditionally on the version read, so an import and a
 * concurrent {@code profile_updated} or campaign send cannot overwrite each other.
 *
 * <p><b>What an import changes.</b> The file is the CRM's truth for who a trader is: name, contacts,
 * location, role, verification, categories, materials, features, preferences and trade frequency are
 * taken from it. The campaign history (message sensitivity, conversion rate and their counts) is taken
 * from the file only while Winback has sent the user no campaign message ({@code messagesReceived = 0}
 * in the directory); afterwards what the campaigns taught wins, so a weekly re-import does not erase it.
 * The last deal time is the later of both. The stream's high-water mark is kept. An entry the import
 * leaves as it was is not written, so running the same import twice writes nothing the second time
 * (which is also how an interrupted import is completed: run it again).
 */
public final class DirectoryImports {

    /** Entries read at once (one batch read per chunk). */
    static final int CHUNK = 100;
    /** A conflicting entry is re-read and merged again this many times. */
    static final int MAX_ATTEMPTS = 5;

    private DirectoryImports() {
    }

    /** Counts of an import: entries new to the directory, changed, and already as imported. */
    public record Outcome(int created, int updated, int unchanged) {
        public int total() {
            return created + updated + unchanged;
        }
    }

    /** Called after each chunk with the number of entries written so far, for progress output. */
    @FunctionalInterface
    public interface Progress {
        void written(int done, int total);
    }

    /** The entry an import of {@code imported} leaves, given what the directory holds (null: nothing). */
    public static DirectoryEntry merge(DirectoryEntry existing, DirectoryEntry imported) {
        if (existing == null) {
            return imported;
        }
        java.time.Instant lastDeal = later(existing.lastDealAt(), imported.lastDealAt());
        boolean learned = existing.messagesReceived() > 0;
        DirectoryEntry history = learned ? existing : imported;
        return imported.withHistory(history.messageSensitivity(), lastDeal, history.conversionRate(),
                history.messagesReceived(), history.campaignTransactions());
    }

    /**
     * Writes {@code entries} (unique user ids, as {@link DirectoryImport} guarantees), {@code parallelism}
     * users at a time.
     *
     * @throws StoreUnavailableException when the store refused a write after its retries; entries
     *         written before stay written, and running the import again completes it
     */
    public static Outcome write(Directory directory, List<DirectoryEntry> entries, int parallelism, Progress progress) {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger updated = new AtomicInteger();
        AtomicInteger unchanged = new AtomicInteger();
        Semaphore permits = new Semaphore(Math.max(1, parallelism));
        for (int from = 0; from < entries.size(); from += CHUNK) {
            List<DirectoryEntry> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
            Map<String, Directory.Stored> stored = directory.load(chunk.stream().map(DirectoryEntry::userId).toList());
            List<Future<?>> writes = new ArrayList<>(chunk.size());
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (DirectoryEntry entry : chunk) {
                    writes.add(executor.submit(() -> {
                        permits.acquireUninterruptibly();
                        try {
                            switch (writeOne(directory, entry, stored.get(entry.userId()))) {
                                case CREATED -> created.incrementAndGet();
                                case UPDATED -> updated.incrementAndGet();
                                case UNCHANGED -> unchanged.incrementAndGet();
                            }
                        } finally {
                            permits.release();
                        }
                    }));
                }
            }
            for (Future<?> write : writes) {
                try {
                    write.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted while importing", e);
                }
            }
            if (progress != null) {
                progress.written(from + chunk.size(), entries.size());
            }
        }
        return new Outcome(created.get(), updated.get(), unchanged.get());
    }

    private enum Written { CREATED, UPDATED, UNCHANGED }

    private static Written writeOne(Directory directory, DirectoryEntry imported, Directory.Stored stored) {
        for (int attempt = 1; ; attempt++) {
            DirectoryEntry next = merge(stored == null ? null : stored.entry(), imported);
            if (stored != null && next.equals(stored.entry())) {
                return Written.UNCHANGED;
            }
            Directory.Change change = new Directory.Change(stored, next, stored == null ? null : stored.highWater(), List.of());
            if (directory.save(change) == Directory.SaveOutcome.SAVED) {
                return stored == null ? Written.CREATED : Written.UPDATED;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new StoreUnavailableException("the directory entry of a user kept changing during the import ("
                        + MAX_ATTEMPTS + " attempts)", null);
            }
            stored = directory.load(List.of(imported.userId())).get(imported.userId());
        }
    }

    private static java.time.Instant later(java.time.Instant a, java.time.Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
