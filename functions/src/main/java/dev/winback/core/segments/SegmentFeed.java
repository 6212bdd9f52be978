package dev.winback.core.segments;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * C2 "entering or leaving a segment is an event": the feed reads the state table's change stream (every
 * written user item, its tags before and after) rather than publishing from ingest, so a change is
 * published if and only if it was stored — a crash between the write and the publication only delays
 * it, the stream retries. Items that are not users (ops subjects) or whose tags did not change
 * publish nothing.
 */
public final class SegmentFeed {

    /**
     * One stored write: {@code position} is the stream's sequence number, {@code userId} null for an
     * item that is not a user's, {@code at} the write's time. Tags are null when the item had none (a
     * new user, a removed item).
     */
    public record TagsWritten(String position, String userId, Set<String> before, Set<String> after, Instant at) {
    }

    private final SegmentChangePublisher publisher;

    public SegmentFeed(SegmentChangePublisher publisher) {
        this.publisher = publisher;
    }

    /** The changes a write made: empty for ops subjects and unchanged tags. */
    public static List<SegmentChange> changes(TagsWritten write) {
        if (write.userId() == null) {
            return List.of();
        }
        return SegmentChange.between(write.userId(), write.before(), write.after(), write.at());
    }

    /**
     * Publishes the writes' changes in stream order.
     *
     * @return the position of the first write whose changes could not be published (it and every later
     *         write are to be delivered again, in order), or empty when all were published
     */
    public Result publish(List<TagsWritten> writes) {
        int published = 0;
        for (TagsWritten write : writes) {
            List<SegmentChange> changes = changes(write);
            if (changes.isEmpty()) {
                continue;
            }
            try {
                publisher.publish(changes);
            } catch (RuntimeException e) {
                return new Result(published, Optional.of(write.position()), e.getMessage());
            }
            published += changes.size();
        }
        return new Result(published, Optional.empty(), null);
    }

    /** What a batch achieved; {@code error} says why it stopped (no user data in it). */
    public record Result(int published, Optional<String> failedPosition, String error) {
    }
}
