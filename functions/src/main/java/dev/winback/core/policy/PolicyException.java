package dev.winback.core.policy;

/** A policy that cannot be used, with a message that names the file and the offending setting. */
public class PolicyException extends RuntimeException {
    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }

    public PolicyException(String message) {
        super(message);
    }
}
