package dev.winback.core.scenario;

import dev.winback.core.recall.Timer;
import dev.winback.core.state.UserState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Scenario timers ride on the deadline timers' machinery ({@link Timer}, its SQS / Scheduler routing and
 * its message): the page is {@code scenario:<name>} and {@code enteredAt} is when the clock started (the
 * registration). The id, and so the decision id, follows from (user, scenario, registration): a
 * redelivered or re-armed timer decides the same decision again; the slot keeps one pending timer per
 * user and scenario.
 */
public final class ScenarioTimers {

    private ScenarioTimers() {
    }

    public static boolean isScenario(Timer timer) {
        return timer.page().startsWith(ScenarioStrategy.TRIGGER_PREFIX);
    }

    /** {@code new_no_order} for a timer on page {@code scenario:new_no_order}. */
    public static String scenarioOf(Timer timer) {
        if (!isScenario(timer)) {
            throw new IllegalArgumentException("not a scenario timer: page '" + timer.page() + "'");
        }
        return timer.page().substring(ScenarioStrategy.TRIGGER_PREFIX.length());
    }

    /** The scenario's timer for a user who registered at {@code user.registeredAt}; null if they have not. */
    public static Timer afterRegister(ScenarioStrategy strategy, UserState user) {
        if (user.registeredAt == null || !ScenarioStrategy.AFTER_REGISTER.equals(strategy.after())) {
            return null;
        }
        return new Timer(user.userId, strategy.trigger(), user.registeredAt, user.registeredAt.plus(strategy.delay()));
    }

    /**
     * The timers to arm for a user whose registration time was just set (or moved earlier by a late
     * event): one per register-started scenario. Ingest arms them when {@code registeredAt} changed in
     * a batch; a timer due in the past fires at once.
     */
    public static List<Timer> onRegistration(Collection<ScenarioStrategy> strategies, UserState user) {
        List<Timer> timers = new ArrayList<>();
        for (ScenarioStrategy strategy : strategies) {
            Timer timer = afterRegister(strategy, user);
            if (timer != null) {
                timers.add(timer);
            }
        }
        return timers;
    }
}
