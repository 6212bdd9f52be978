package dev.winback.core.recall;

/**
 * Port (C6): users the operators never want marketed to — complaints, staff and test accounts, legal
 * holds. Unlike consent, which the user sets through events, the list is kept by the team; every
 * trigger checks it in its final filter and records {@code outcome: suppressed}, reason
 * {@code suppression_list}.
 */
public interface SuppressionList {

    /** The reason recorded on a decision for a listed user. */
    String REASON = "suppression_list";

    /** Nobody is listed. */
    SuppressionList NONE = userId -> false;

    boolean isSuppressed(String userId);
}
