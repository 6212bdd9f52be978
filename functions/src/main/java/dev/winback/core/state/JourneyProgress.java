package dev.winback.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * C5: where a user is in one lifecycle journey, kept in the user's state under the journey's name.
 * While the journey runs, {@code step} is the step whose timer is pending and {@code sinceStart} its wait
 * (from the start), so a step later removed from the policy can still be placed. Once it ends the entry
 * stays, with {@code end}: a journey runs at most once per user.
 *
 * @param end null while running; {@code completed}, {@code exited:<condition>} or {@code journey_removed}
 */
public record JourneyProgress(Instant startedAt, String step, Duration sinceStart, Instant endedAt, String end) {

    public static final String COMPLETED = "completed";
    public static final String REMOVED = "journey_removed";
    public static final String EXITED = "exited:";

    public JourneyProgress {
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public static JourneyProgress startedAt(Instant startedAt, String firstStep, Duration sinceStart) {
        return new JourneyProgress(startedAt, firstStep, sinceStart, null, null);
    }

    /** As a store's round trip gives it back (see {@link StoredForm}). */
    JourneyProgress stored() {
        return new JourneyProgress(StoredForm.instant(startedAt), StoredForm.text(step), StoredForm.duration(sinceStart),
                StoredForm.instant(endedAt), StoredForm.text(end));
    }

    public boolean running() {
        return end == null;
    }

    /** The next step is pending now. */
    public JourneyProgress at(String nextStep, Duration nextWait) {
        return new JourneyProgress(startedAt, nextStep, nextWait, null, null);
    }

    public JourneyProgress ended(Instant at, String why) {
        return new JourneyProgress(startedAt, null, null, at, why);
    }
}
