package dev.winback.core.ingest;

/** The state store cannot answer now; the work is retried later, nothing is lost. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
