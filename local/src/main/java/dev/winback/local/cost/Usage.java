package dev.winback.local.cost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metered quantities, each on the price it is billed at: what the trace caused on the ingest path and
 * on the messaging path, and what the stack costs per month whatever the traffic.
 */
public final class Usage {

    public enum Path {
        /** Stream, IngestFunction, state table, segment changes: paid for every behavior event. */
        INGEST,
        /** Timers, checks, ledgers, messages, reminders, conversions: paid for what the engine decides. */
        MESSAGING,
        /** Charged per month: the stream's hour, the key, alarms, metrics, storage, the daily scan. */
        MONTHLY
    }

    /** @param quantity in the price's units ({@link PriceTable.Price#unit()}) */
    public record Line(Path path, String service, String item, String priceKey, double quantity) {
    }

    private record Key(Path path, String service, String item, String priceKey) {
    }

    private final Map<Key, double[]> quantities = new LinkedHashMap<>();

    public Usage add(Path path, String service, String item, String priceKey, double quantity) {
        quantities.computeIfAbsent(new Key(path, service, item, priceKey), k -> new double[1])[0] += quantity;
        return this;
    }

    public List<Line> lines() {
        List<Line> lines = new ArrayList<>();
        quantities.forEach((key, q) -> lines.add(new Line(key.path(), key.service(), key.item(), key.priceKey(), q[0])));
        return lines;
    }
}
