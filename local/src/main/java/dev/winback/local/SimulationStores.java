package dev.winback.local;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.core.dormancy.DormantCohort;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.scenario.RewardChoices;
import dev.winback.core.scenario.RewardStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What a simulation's functions keep between invocations — the state table (and its dormant-cohort
 * index) and the ledger table (coupons, sends, contact history, decisions, reward counters) — and how
 * to read it all back for the output files. The channels (messages that leave, opt-outs) are the
 * outside world and are not part of it: every store records them the same way.
 *
 * <p>{@link MemoryStores} is the default; {@link DynamoStores} puts the same ports on the real DynamoDB
 * adapters, so a run there exercises the code that runs in Lambda and must give the same results.
 */
public interface SimulationStores extends AutoCloseable {

    /** Opens a fresh, empty set of stores for one run; {@code clock} is the run's virtual clock. */
    @FunctionalInterface
    interface Factory {
        SimulationStores open(Clock clock);
    }

    /** The default: maps in this process. */
    Factory MEMORY = MemoryStores::new;

    StateStore state();

    DormantCohort cohorts();

    CouponLedger coupons();

    SendLedger sends();

    ContactHistory contacts();

    DecisionLog decisions();

    RewardStats rewardStats();

    RewardChoices rewardChoices();

    /**
     * The user's decisions so far (any time), for attributing an order as it arrives; a store may leave
     * out what cannot be a touch (C7) and trim a touch's details to what attribution reads.
     */
    List<Decision> decisionsOf(String userId);

    /** Every stored subject (users, zones, merchants), ordered by key. */
    Map<String, StoredState> allStates();

    /**
     * Writes every decision to {@code file} (decisions.jsonl), once each, in the order it was first
     * recorded, with its latest content, and counts them.
     */
    DecisionCounts writeDecisions(Path file) throws IOException;

    /** Every coupon issued, in the order it was issued. */
    List<InMemoryRecallLedgers.IssuedCoupon> allCoupons();

    /** Where the results live besides the output files (tables and endpoint), or null when in memory. */
    default String location() {
        return null;
    }

    @Override
    default void close() {
    }
}
