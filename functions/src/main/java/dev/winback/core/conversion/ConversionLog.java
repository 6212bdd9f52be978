package dev.winback.core.conversion;

/**
 * Port: where attributed orders are kept (the ledger table in AWS, {@code conversions.jsonl} in the
 * simulator), one per user and order id.
 */
public interface ConversionLog {

    /**
     * Keeps the conversion unless its order was recorded before.
     *
     * @return true when this call recorded it; false when the order was already there (a redelivered
     *         order), in which case nothing changed
     */
    boolean record(Conversion conversion);
}
