package dev.winback.core.conversion;

/**
 * What one batch of stream records did in the conversion consumer.
 *
 * @param received             records delivered
 * @param orders               valid {@code order_placed} events handled
 * @param skipped              records the decoder rejects: the ingest path quarantines them, so here
 *                             they are only counted
 * @param notOrders            valid events of another type (the mapping's filter lets only orders
 *                             through; counted in case it is changed)
 * @param recorded             orders attributed and recorded now
 * @param redelivered          orders attributed that had been recorded before: nothing changed
 * @param unattributed         orders without a touch in the window
 * @param rewardsCounted       scenario conversions counted for their reward (C4)
 * @param failedSequenceNumber the record to deliver again (and every record after it, which this batch
 *                             did not handle); null when the whole batch went through
 * @param failure              why that record failed, for the log; null without a failure
 */
public record ConversionReport(int received, int orders, int skipped, int notOrders, int recorded, int redelivered,
                               int unattributed, int rewardsCounted, String failedSequenceNumber, String failure) {

    public boolean hasFailure() {
        return failedSequenceNumber != null;
    }

    /** Orders attributed to a touch, now or before. */
    public int attributed() {
        return recorded + redelivered;
    }
}
