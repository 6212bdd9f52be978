package dev.winback.core.scenario;

/**
 * Port: pins the reward a decision chose before any of its effects happen. A retried decision draws
 * again from counters that moved meanwhile and may prefer another reward; the pin makes every attempt
 * use the first choice, so the coupon issued, the wallet notice, the text and the counted send all
 * agree. A conditional put in the ledger table in AWS.
 */
public interface RewardChoices {

    /** @return the choice held for this decision: {@code proposed} if none was held before, else the earlier one */
    RewardBandit.Choice pin(String decisionId, RewardBandit.Choice proposed);
}
