package dev.winback.core.geo;

import java.util.List;

/**
 * What one batch of the directory consumer did.
 *
 * @param received        records in the batch
 * @param applied         records folded into an entry or an engagement
 * @param redelivered     records at or below their user's high-water mark (already applied)
 * @param ignored         directory records that changed nothing: a profile without a directory entry
 *                        or {@code role} to start one, feedback on no campaign message or for a message
 *                        whose send is not recorded, a transaction of a user not in the directory
 * @param skipped         records that are not the directory's (bad, or of another type)
 * @param saved           users whose entry (and engagements) were written
 * @param failedSequenceNumbers the first record of each user whose write failed: the stream delivers
 *                        from the lowest of them again
 */
public record DirectoryReport(int received, int applied, int redelivered, int ignored, int skipped, int saved,
                              List<String> failedSequenceNumbers) {

    public DirectoryReport {
        failedSequenceNumbers = List.copyOf(failedSequenceNumbers);
    }
}
