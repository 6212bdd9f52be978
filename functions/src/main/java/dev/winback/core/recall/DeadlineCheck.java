package dev.winback.core.recall;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.UserState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fired deadline timer (A3–A9): if the timer is still the user's current one, judge the moment
 * and recall or record why not. A superseded or cancelled timer is a silent no-op.
 */
public final class DeadlineCheck {

    private final Policy policy;
    private final StateStore states;
    private final Recaller recaller;
    private final DecisionLog decisions;

    public DeadlineCheck(Policy policy, StateStore states, Recaller recaller, DecisionLog decisions) {
        this.policy = policy;
        this.states = states;
        this.recaller = recaller;
        this.decisions = decisions;
    }

    /** @return the decision, or empty when the timer is no longer current */
    public Optional<Decision> check(Timer timer, Instant now) {
        String userKey = SubjectKey.user(timer.userId());
        StoredState stored = states.load(List.of(userKey)).get(userKey);
        if (stored == null) {
            return Optional.empty();
        }
        UserState user = stored.state(UserState.class);
        if (user.session == null || !timer.enteredAt().equals(user.session.watchedEnteredAt.get(timer.page()))) {
            return Optional.empty(); // re-entered (a newer timer runs), ordered, or a new session began
        }
        Optional<Decision> earlier = decisions.find(user.userId, timer.dueAt(), timer.id());
        if (earlier.isPresent()) {
            return earlier; // a redelivered timer: the decision is final, its effects already happened
        }
        Map<String, OpsState> ops = loadOps(user);
        DeadlineRules.Verdict verdict = DeadlineRules.evaluate(timer, user,
                ops.get(SubjectKey.ZONE + user.profileText("zone")),
                ops.get(SubjectKey.MERCHANT + user.cartMerchant()), policy);
        Map<String, Object> details = new LinkedHashMap<>(verdict.details());
        details.put("decidedAt", now.toString());
        // The decision is stamped with the deadline, not the run time, so a retry records the same one.
        Decision decision;
        if (!verdict.needed()) {
            decision = new Decision(timer.id(), user.userId, verdict.trigger(), timer.dueAt(), Outcome.NOT_NEEDED,
                    verdict.reasons(), null, List.of(), details);
        } else if (verdict.blockedBy() != null) {
            List<String> reasons = new ArrayList<>(verdict.reasons());
            reasons.add(verdict.blockedBy());
            decision = new Decision(timer.id(), user.userId, verdict.trigger(), timer.dueAt(), Outcome.SUPPRESSED,
                    reasons, null, List.of(), details);
        } else {
            decision = recaller.recall(new Recaller.Request(timer.id(), verdict.trigger(), timer.dueAt(), user,
                    user.cartValue(), verdict.reasons(), details), now);
        }
        decisions.record(decision);
        return Optional.of(decision);
    }

    private Map<String, OpsState> loadOps(UserState user) {
        List<String> keys = new ArrayList<>(2);
        if (user.profileText("zone") != null) {
            keys.add(SubjectKey.ZONE + user.profileText("zone"));
        }
        if (user.cartMerchant() != null) {
            keys.add(SubjectKey.MERCHANT + user.cartMerchant());
        }
        Map<String, OpsState> ops = new LinkedHashMap<>();
        if (!keys.isEmpty()) {
            states.load(keys).forEach((key, stored) -> ops.put(key, stored.state(OpsState.class)));
        }
        return ops;
    }
}
