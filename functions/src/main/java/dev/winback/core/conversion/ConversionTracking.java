package dev.winback.core.conversion;

import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.scenario.RewardStats;
import dev.winback.core.scenario.ScenarioConversions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * C7 online, one order at a time (the conversion consumer): the user's decisions before the order are
 * read back from the decision log, the order is attributed to the last touch within the window
 * ({@link Attribution}), the conversion is kept once per order, and a scenario message it converts
 * counts one conversion for its reward ({@link ScenarioConversions}, C4 feedback).
 *
 * <p>Every step is idempotent, so a redelivered order changes nothing: the conversion is written only
 * if its order is not there yet, and the reward's count is claimed per decision in the send ledger.
 * The count is attempted even when the conversion was already there, because an earlier attempt may
 * have stopped between the two writes.
 *
 * <p>Dwell time on the offer page is not known here: it needs the user's page entries between the touch
 * and the order, which the user state does not keep (only the latest entry of each watched page of the
 * current session, cleared by the order itself, A9), and the order may reach this consumer before or
 * after the ingest applied it. Conversions recorded online therefore have no landing page; the
 * simulator, which has the whole trace, records it.
 */
public final class ConversionTracking {

    /**
     * A decision is keyed by its cause's time ({@code at}); its touch is when it was made
     * ({@code details.decidedAt}), later for a reminder deferred past quiet hours (at most a night) or a
     * timer that was retried. Reading this much further back finds those; the window is then applied to
     * the touch time.
     */
    static final Duration LATE_DECISION_SLACK = Duration.ofDays(1);

    /** What one order came to. */
    public enum Outcome {
        /** No touch of the user in the window before the order. */
        UNATTRIBUTED,
        /** Attributed and recorded now. */
        RECORDED,
        /** Attributed, and the order had been recorded before (a redelivery): nothing changed. */
        ALREADY_RECORDED
    }

    /**
     * @param conversion    the attribution; null when unattributed
     * @param rewardCounted whether this call counted a conversion for a scenario reward
     */
    public record Tracked(Outcome outcome, Conversion conversion, boolean rewardCounted) {
    }

    private final Duration window;
    private final DecisionLog decisions;
    private final ConversionLog conversions;
    private final SendLedger sends;
    private final RewardStats rewards;

    public ConversionTracking(Duration window, DecisionLog decisions, ConversionLog conversions, SendLedger sends,
                              RewardStats rewards) {
        if (window == null || window.isNegative()) {
            throw new IllegalArgumentException("the attribution window must be zero or more");
        }
        this.window = window;
        this.decisions = decisions;
        this.conversions = conversions;
        this.sends = sends;
        this.rewards = rewards;
    }

    /** Errors of the stores propagate: the caller retries the order, which repeats nothing. */
    public Tracked track(Order order) {
        Instant from = order.at().minus(window).minus(LATE_DECISION_SLACK);
        List<Decision> mine = decisions.forUser(order.userId(), from, order.at());
        List<Touch> touches = mine.stream().map(Touch::of).flatMap(Optional::stream).toList();
        if (touches.isEmpty()) {
            return new Tracked(Outcome.UNATTRIBUTED, null, false);
        }
        List<Conversion> attributed = Attribution.attribute(touches, List.of(order), List.of(), window).conversions();
        if (attributed.isEmpty()) {
            return new Tracked(Outcome.UNATTRIBUTED, null, false);
        }
        Conversion conversion = attributed.get(0);
        boolean recorded = conversions.record(conversion);
        Map<String, Decision> byId = mine.stream()
                .collect(Collectors.toMap(Decision::decisionId, Function.identity(), (a, b) -> b));
        boolean counted = ScenarioConversions.record(byId.get(conversion.touch().decisionId()), sends, rewards);
        return new Tracked(recorded ? Outcome.RECORDED : Outcome.ALREADY_RECORDED, conversion, counted);
    }
}
