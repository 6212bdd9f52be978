package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.Tally;
import dev.winback.core.state.UserState;
import java.time.Duration;

/** A2: how long to wait after a user enters a watched page before judging their intent. */
public final class TimerRule {

    private TimerRule() {
    }

    /**
     * The page's default, or once the user has converted from this page at least
     * {@code minConversions} times, their average time-to-order times the factor, within bounds.
     */
    public static Duration duration(UserState user, String page, Policy policy) {
        Duration pageDefault = policy.recall().watchedPages().get(page);
        Policy.LearnedTimer learned = policy.recall().learnedTimer();
        Tally conversions = user.timeToOrder.get(page);
        if (conversions == null || conversions.count() < learned.minConversions()) {
            return pageDefault;
        }
        long millis = Math.round(conversions.average() * learned.factor());
        Duration personal = Duration.ofMillis(millis);
        if (personal.compareTo(learned.min()) < 0) {
            return learned.min();
        }
        return personal.compareTo(learned.max()) > 0 ? learned.max() : personal;
    }
}
