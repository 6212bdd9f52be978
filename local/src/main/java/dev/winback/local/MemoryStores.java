package dev.winback.local;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.InMemoryRewardStats;
import dev.winback.adapters.InMemoryStateStore;
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

/** The simulator's default stores: in-memory adapters with the same rules as the DynamoDB ones. */
final class MemoryStores implements SimulationStores {

    private final InMemoryStateStore state = new InMemoryStateStore();
    private final DormantCohort cohorts = state.cohortIndex();
    private final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
    private final InMemoryRewardStats rewards = new InMemoryRewardStats();
    private final SpilledDecisions decisions = new SpilledDecisions();

    MemoryStores(Clock clock) {
    }

    @Override
    public StateStore state() {
        return state;
    }

    @Override
    public DormantCohort cohorts() {
        return cohorts;
    }

    @Override
    public CouponLedger coupons() {
        return ledgers;
    }

    @Override
    public SendLedger sends() {
        return ledgers;
    }

    @Override
    public ContactHistory contacts() {
        return ledgers;
    }

    @Override
    public DecisionLog decisions() {
        return decisions;
    }

    @Override
    public RewardStats rewardStats() {
        return rewards;
    }

    @Override
    public RewardChoices rewardChoices() {
        return rewards;
    }

    @Override
    public List<Decision> decisionsOf(String userId) {
        return decisions.touchesOf(userId); // indexed by user: a scan per order was quadratic
    }

    @Override
    public Map<String, StoredState> allStates() {
        return state.all();
    }

    @Override
    public DecisionCounts writeDecisions(Path file) throws IOException {
        return decisions.write(file);
    }

    @Override
    public List<InMemoryRecallLedgers.IssuedCoupon> allCoupons() {
        return ledgers.coupons();
    }

    @Override
    public void close() {
        decisions.close();
    }
}
