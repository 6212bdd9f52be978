package dev.winback.core.recall;

/** Port: where decisions are kept (DynamoDB, queryable by user and time; a file locally). */
public interface DecisionLog {

    /** Idempotent per decision id: recording the same decision twice keeps one. */
    void record(Decision decision);

    /** The decision recorded for this cause, if any (a redelivered trigger finds it). */
    java.util.Optional<Decision> find(String userId, java.time.Instant at, String decisionId);
}
