package dev.winback.core.ingest;

import dev.winback.core.segments.SegmentChange;
import java.util.List;

/**
 * What one batch did. {@code failedSequenceNumbers} are the records to deliver again (the stream
 * restarts from the lowest; records already applied are skipped by the high-water mark).
 *
 * <p>{@code segmentChanges} are the segment entries and exits (C2) of the users whose state this
 * batch saved, in batch order; {@code segmentFailures} counts custom segment expressions that failed
 * on a user (the tag was left off, the write went ahead). A subject that is not saved (a retry)
 * reports neither: its redelivery computes them again.
 */
public record IngestReport(int received, int applied, int duplicates, int quarantined, int subjects, int writes,
                           int conflicts, List<String> failedSequenceNumbers, List<SegmentChange> segmentChanges,
                           int segmentFailures) {

    public IngestReport {
        segmentChanges = segmentChanges == null ? List.of() : List.copyOf(segmentChanges);
    }

    /** A report with no segment changes. */
    public IngestReport(int received, int applied, int duplicates, int quarantined, int subjects, int writes,
                        int conflicts, List<String> failedSequenceNumbers) {
        this(received, applied, duplicates, quarantined, subjects, writes, conflicts, failedSequenceNumbers,
                List.of(), 0);
    }

    public boolean hasFailures() {
        return !failedSequenceNumbers.isEmpty();
    }

    /** The batch's accounting alone, without its segment output (what tests and metrics compare). */
    public IngestReport counts() {
        return new IngestReport(received, applied, duplicates, quarantined, subjects, writes, conflicts,
                failedSequenceNumbers);
    }
}
