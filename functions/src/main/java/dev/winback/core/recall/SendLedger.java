package dev.winback.core.recall;

/**
 * Port: at most one send per decision and channel. A send is claimed before the side effect; a
 * claim that exists already means an earlier attempt sent (or may have sent) it.
 */
public interface SendLedger {

    /** @return true if this caller holds the claim and must send; false if it was claimed before */
    boolean claim(String decisionId, String channel);

    /** The send failed for certain (the provider refused it): let a retry claim it again. */
    void release(String decisionId, String channel);

    /**
     * For effects whose receiver drops repeats (the wallet dedupes coupon notices by coupon id): has a
     * notice been recorded as published? Such effects are published <em>at least</em> once — publish,
     * then {@link #markPublished} — so a crash or a lost answer between a claim and the publication can
     * never lose them, where {@link #claim} would.
     */
    boolean published(String decisionId, String channel);

    void markPublished(String decisionId, String channel);
}
