package dev.winback.core.scenario;

import dev.winback.core.recall.Timer;
import dev.winback.core.state.JourneyProgress;
import dev.winback.core.state.UserState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Journey steps ride on the deadline timers' machinery ({@link Timer}, its SQS / Scheduler routing by
 * delay, its message): the page is {@code journey:<name>:<step>} and {@code enteredAt} is when the
 * journey started. The id, and so the decision id, follows from (user, journey, step, start); the slot
 * (and so a long step's schedule name) from (user, journey, step), so each step has its own schedule.
 */
public final class JourneyTimers {

    /** A journey timer's page, parsed. */
    public record Page(String journey, String step) {
    }

    private JourneyTimers() {
    }

    public static boolean isJourney(Timer timer) {
        return timer.page().startsWith(Journey.TRIGGER_PREFIX);
    }

    /** {@code (onboarding, day1)} for a timer on page {@code journey:onboarding:day1}. */
    public static Page pageOf(Timer timer) {
        String rest = isJourney(timer) ? timer.page().substring(Journey.TRIGGER_PREFIX.length()) : "";
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("not a journey timer: page '" + timer.page() + "'");
        }
        return new Page(rest.substring(0, colon), rest.substring(colon + 1));
    }

    /** The timer of {@code step} for a journey that started at {@code startedAt}. */
    public static Timer forStep(String userId, Journey journey, Journey.Step step, Instant startedAt) {
        return new Timer(userId, journey.trigger(step), startedAt, startedAt.plus(step.sinceStart()));
    }

    /**
     * C5 enrolment, when the user's registration time was just set: each register-started journey the
     * user has never been in starts now, at the registration, with its first step pending. Records the
     * start in the user's state and returns the first steps' timers, which ingest arms before it saves
     * that state. A journey the user is or was in does not start again (a second or a late register
     * event changes nothing).
     */
    public static List<Timer> onRegistration(Collection<Journey> journeys, UserState user) {
        List<Timer> timers = new ArrayList<>();
        if (user.registeredAt == null) {
            return timers;
        }
        for (Journey journey : journeys) {
            if (!ScenarioStrategy.AFTER_REGISTER.equals(journey.after()) || journey.steps().isEmpty()
                    || user.journeys.containsKey(journey.name())) {
                continue;
            }
            Journey.Step first = journey.first();
            user.journeys.put(journey.name(), JourneyProgress.startedAt(user.registeredAt, first.name(), first.sinceStart()));
            timers.add(forStep(user.userId, journey, first, user.registeredAt));
        }
        return timers;
    }
}
