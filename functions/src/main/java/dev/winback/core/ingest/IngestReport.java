package dev.winback.core.ingest;

import java.util.List;

/**
 * What one batch did. {@code failedSequenceNumbers} are the records to deliver again (the stream
 * restarts from the lowest; records already applied are skipped by the high-water mark).
 */
public record IngestReport(int received, int applied, int duplicates, int quarantined, int subjects, int writes,
                           int conflicts, List<String> failedSequenceNumbers) {

    public boolean hasFailures() {
        return !failedSequenceNumbers.isEmpty();
    }
}
