package dev.winback.core.ingest;

import dev.winback.core.event.Rejection;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Port: the dead-letter destination for records that can never be applied. */
public interface Quarantine {

    /** @return the sequence numbers of the records that could not be quarantined now */
    Set<String> send(List<QuarantinedRecord> records);

    record QuarantinedRecord(StreamRecord record, Rejection reason, Instant quarantinedAt) {
    }
}
