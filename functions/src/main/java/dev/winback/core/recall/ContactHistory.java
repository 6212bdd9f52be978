package dev.winback.core.recall;

import java.time.Instant;

/**
 * Port: the recall messages a user received, across every trigger, so frequency caps (C6) hold even
 * when decisions for the same user run at once.
 */
public interface ContactHistory {

    /**
     * Reserves a touch at {@code at} for {@code decisionId} if the caps allow it. A decision that
     * already holds a reservation (a retry) is allowed again.
     *
     * @return true if reserved; false if a cap is reached
     */
    boolean reserve(String userId, String decisionId, Instant at, int perDay, int perWeek);

    /** Gives a reservation back when the decision ends up sending nothing (e.g. the budget ran out). */
    void unreserve(String userId, String decisionId);
}
