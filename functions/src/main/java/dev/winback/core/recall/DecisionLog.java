package dev.winback.core.recall;

/** Port: where decisions are kept (DynamoDB, queryable by user and time; a file locally). */
public interface DecisionLog {

    /** Idempotent per decision id: recording the same decision twice keeps one. */
    void record(Decision decision);

    /** The decision recorded for this cause, if any (a redelivered trigger finds it). */
    java.util.Optional<Decision> find(String userId, java.time.Instant at, String decisionId);

    /**
     * The user's decisions with {@code from ≤ at ≤ to}, oldest first: what the conversion consumer
     * attributes an order to (C7).
     */
    java.util.List<Decision> forUser(String userId, java.time.Instant from, java.time.Instant to);
}
