package dev.winback.adapters;

import dev.winback.core.ingest.Quarantine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Keeps quarantined records in memory so a simulation can write them out with their reasons. */
public final class CollectingQuarantine implements Quarantine {

    private final List<QuarantinedRecord> records = new ArrayList<>();

    @Override
    public synchronized Set<String> send(List<QuarantinedRecord> batch) {
        records.addAll(batch);
        return Set.of();
    }

    public synchronized List<QuarantinedRecord> records() {
        return List.copyOf(records);
    }
}
