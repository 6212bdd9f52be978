package dev.winback.adapters;

/**
 * A ledger write kept losing to concurrent writers on the same item for longer than its bounded
 * retries. Nothing was written; the caller should fail the unit of work so it is delivered again.
 */
public final class LedgerBusyException extends RuntimeException {
    public LedgerBusyException(String message) {
        super(message);
    }
}
