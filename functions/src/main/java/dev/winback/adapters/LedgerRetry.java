package dev.winback.adapters;

import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;

/** Small shared pieces of the DynamoDB ledger adapters. */
final class LedgerRetry {

    private LedgerRetry() {
    }

    /**
     * Full-jitter exponential back-off (5 ms · 2^attempt, at most 400 ms): concurrent losers of the
     * same item spread out instead of colliding again in lock step.
     */
    static void backoff(int attempt) {
        long cap = Math.min(400, 5L << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerBusyException("interrupted while backing off");
        }
    }

    /**
     * DynamoDB normalises numbers ({@code 3.00} is stored as {@code 3}); money is in currency units
     * with cents, so give amounts read back at least two decimals again. Never rounds.
     */
    static BigDecimal money(String dynamoNumber) {
        BigDecimal value = new BigDecimal(dynamoNumber);
        return value.scale() < 2 ? value.setScale(2) : value;
    }
}
