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
}
