package dev.winback.core.scenario;

import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.state.JourneyProgress;
import dev.winback.core.state.UserState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * C5: a fired journey step ({@code journey:<name>:<step>}).
 *
 * <ol>
 *   <li>The user's state must show the journey running, started at the timer's {@code enteredAt}, with
 *       this step pending. Anything else — a redelivered step the journey has moved past, a step of a
 *       journey that ended — is stale: a silent no-op.</li>
 *   <li>The step is looked up by name in the <em>current</em> policy, so a policy change never strands a
 *       user: a journey no longer in the policy ends with {@code not_needed}, reason
 *       {@code journey_removed}; a step no longer in it is skipped without a decision and the journey
 *       continues with the first step whose wait is later than the removed one's.</li>
 *   <li>The exit conditions ({@link Journey#exitMet}): the first one met ends the journey with
 *       {@code not_needed}, reason {@code exited}, {@code details.exit} the condition.</li>
 *   <li>Otherwise the step's message goes through {@link MessagePipeline}, exactly as a scenario's:
 *       quiet hours wait (the same timer, re-armed; nothing else moves), suppression list, the
 *       journey's holdout at every step, consent, caps, the bandit's reward when the step has
 *       candidates, budget, and one grant, send and count.</li>
 *   <li>The next step (by wait) is armed at start + its wait and recorded as pending; after the last
 *       step the journey ends as {@code completed}. The timer is armed before the state is saved, and
 *       the save is conditional on the state's version: a concurrent write (ingest) makes the check
 *       start over, finding its decision the second time instead of deciding again.</li>
 * </ol>
 *
 * The decision: trigger {@code journey:<name>:<step>}, its id derived from (user, journey, step,
 * start), stamped with the step's due time, details {@code journey}, {@code step}, {@code startedAt},
 * {@code strategy} (and {@code reward}, {@code posterior} for a step with rewards).
 */
public final class JourneyCheck {

    /** A conflicting write is ingest applying the user's events; a few rounds settle it, then SQS retries. */
    static final int MAX_CONFLICTS = 3;

    private final Map<String, Journey> journeys;
    private final SegmentMembership membership;
    private final ScenarioCheck.Ports ports;
    private final MessagePipeline pipeline;

    public JourneyCheck(Policy policy, Map<String, Journey> journeys, SegmentMembership membership,
                        ScenarioCheck.Ports ports) {
        this.journeys = Map.copyOf(journeys);
        this.membership = membership;
        this.ports = ports;
        this.pipeline = new MessagePipeline(policy, ports);
    }

    /** With the policy's journeys and segment rules. */
    public JourneyCheck(Policy policy, ScenarioCheck.Ports ports) {
        this(policy, Journey.allOf(policy), SegmentMembership.of(policy), ports);
    }

    /** What a fired step comes to: the decision (if any), the user's place afterwards, the timer to arm. */
    private record Step(Optional<Decision> decision, JourneyProgress progress, Timer next) {
    }

    /**
     * @return the step's decision; empty when the timer is stale, the step was removed from the policy,
     *         or the message was deferred past quiet hours
     * @throws Recaller.RetryLaterException when no channel or the wallet refused, or the state could not
     *         be saved: a retry resumes
     */
    public Optional<Decision> check(Timer timer, Instant now) {
        JourneyTimers.Page page = JourneyTimers.pageOf(timer);
        String userKey = SubjectKey.user(timer.userId());
        for (int attempt = 1; ; attempt++) {
            StoredState stored = ports.states().load(List.of(userKey)).get(userKey);
            if (stored == null) {
                return Optional.empty();
            }
            UserState user = stored.state(UserState.class);
            JourneyProgress progress = user.journeys.get(page.journey());
            if (progress == null || !progress.running() || !progress.startedAt().equals(timer.enteredAt())
                    || !page.step().equals(progress.step())) {
                return Optional.empty(); // stale: the journey moved on, ended, or restarted
            }
            Step step = fire(timer, page, user, progress, now);
            if (step == null) {
                return Optional.empty(); // deferred past quiet hours: the same timer comes back
            }
            if (step.next() != null) {
                ports.timers().schedule(List.of(step.next()), now); // before the save, as ingest arms timers
            }
            user.journeys.put(page.journey(), step.progress());
            StoredState next = StoredState.of(userKey, stored.version() + 1, stored.highWater(), user, stored.tags(),
                    stored.cohort());
            switch (ports.states().save(next, stored.version())) {
                case SAVED -> {
                    return step.decision();
                }
                case CONFLICT -> {
                    if (attempt == MAX_CONFLICTS) {
                        throw new Recaller.RetryLaterException("user state kept changing under journey step "
                                + timer.id(), null);
                    }
                }
                case UNAVAILABLE -> throw new Recaller.RetryLaterException("user state unavailable for journey step "
                        + timer.id(), null);
            }
        }
    }

    /** Null when the message waits for the end of quiet hours. */
    private Step fire(Timer timer, JourneyTimers.Page page, UserState user, JourneyProgress progress, Instant now) {
        Instant at = timer.dueAt();
        Optional<Decision> earlier = ports.decisions().find(user.userId, at, timer.id());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("journey", page.journey());
        details.put("step", page.step());
        details.put("startedAt", progress.startedAt().toString());
        details.put("decidedAt", now.toString());
        Journey journey = journeys.get(page.journey());
        if (journey == null) {
            Decision removed = earlier.orElseGet(() -> pipeline.record(MessagePipeline.decision(timer,
                    Outcome.NOT_NEEDED, List.of(JourneyProgress.REMOVED), null, List.of(), details)));
            return new Step(Optional.of(removed), progress.ended(now, JourneyProgress.REMOVED), null);
        }
        Optional<Journey.Step> current = journey.step(page.step());
        if (current.isEmpty()) {
            // Removed from the policy since it was armed: no message for it; carry on from its place.
            return advance(timer, journey, progress, journey.after(progress.sinceStart()), Optional.empty(), now);
        }
        Journey.Step step = current.get();
        Optional<Decision> decision = earlier;
        if (decision.isEmpty()) {
            details.put("strategy", journey.label(step));
            String exit = journey.exitMet(user, progress.startedAt(), at, membership);
            if (exit != null) {
                details.put("exit", exit);
                decision = Optional.of(pipeline.record(MessagePipeline.decision(timer, Outcome.NOT_NEEDED,
                        List.of("exited"), null, List.of(), details)));
            } else {
                decision = pipeline.decide(timer, user, journey.plan(step), details, now);
                if (decision.isEmpty()) {
                    return null;
                }
            }
        }
        Object exit = decision.get().details() == null ? null : decision.get().details().get("exit");
        if (decision.get().outcome() == Outcome.NOT_NEEDED && exit != null) {
            return new Step(decision, progress.ended(now, JourneyProgress.EXITED + exit), null);
        }
        return advance(timer, journey, progress, journey.after(step.sinceStart()), decision, now);
    }

    private static Step advance(Timer timer, Journey journey, JourneyProgress progress, Optional<Journey.Step> next,
                                Optional<Decision> decision, Instant now) {
        if (next.isEmpty()) {
            return new Step(decision, progress.ended(now, JourneyProgress.COMPLETED), null);
        }
        Journey.Step step = next.get();
        return new Step(decision, progress.at(step.name(), step.sinceStart()),
                JourneyTimers.forStep(timer.userId(), journey, step, progress.startedAt()));
    }
}
