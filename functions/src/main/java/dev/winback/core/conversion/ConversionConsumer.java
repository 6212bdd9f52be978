package dev.winback.core.conversion;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import java.util.List;

/**
 * C7 on the behavior stream: each {@code order_placed} record is decoded with the ingest's own rules
 * and tracked ({@link ConversionTracking}). Records are handled in stream order; the first that fails
 * (a store unavailable) stops the batch and is reported, so the stream delivers it and everything after
 * it again — which repeats nothing, as tracking an order is idempotent.
 */
public final class ConversionConsumer {

    private final EventDecoder decoder;
    private final ConversionTracking tracking;

    public ConversionConsumer(Policy policy, ConversionTracking tracking) {
        this.decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        this.tracking = tracking;
    }

    public ConversionReport consume(List<StreamRecord> records) {
        int orders = 0;
        int skipped = 0;
        int notOrders = 0;
        int recorded = 0;
        int redelivered = 0;
        int unattributed = 0;
        int counted = 0;
        for (StreamRecord record : records) {
            // A bad record is skipped, not quarantined: the ingest mapping reads the same record and
            // quarantines it with its reason; doing it here too would report it twice.
            if (!(decoder.decode(record.data(), record.arrivedAt()) instanceof Decoded.Accepted accepted)) {
                skipped++;
                continue;
            }
            if (!(accepted.event() instanceof BehaviorEvent.OrderPlaced placed)) {
                notOrders++;
                continue;
            }
            ConversionTracking.Tracked tracked;
            try {
                tracked = tracking.track(Order.of(placed));
            } catch (RuntimeException e) {
                return new ConversionReport(records.size(), orders, skipped, notOrders, recorded, redelivered,
                        unattributed, counted, record.sequenceNumber(), e.toString());
            }
            orders++;
            switch (tracked.outcome()) {
                case RECORDED -> recorded++;
                case ALREADY_RECORDED -> redelivered++;
                case UNATTRIBUTED -> unattributed++;
            }
            if (tracked.rewardCounted()) {
                counted++;
            }
        }
        return new ConversionReport(records.size(), orders, skipped, notOrders, recorded, redelivered, unattributed,
                counted, null, null);
    }
}
