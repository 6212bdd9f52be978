package dev.winback.core.scenario;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.UserState;
import java.time.Instant;

/** Is the user in a segment at a given time? A scenario's entry (and exit) condition. */
@FunctionalInterface
public interface SegmentMembership {

    boolean isMember(UserState user, String segment, Instant at);

    /**
     * The policy's segment rules (built-in and custom tags) recomputed at {@code at}, so a time-based
     * one ({@code dormant}, a custom rule on days since registration) is current when the timer fires,
     * not as ingest last wrote it. A tag the policy no longer defines is no membership.
     */
    static SegmentMembership of(Policy policy) {
        return (user, segment, at) -> SegmentRules.tags(user, at, policy).contains(segment);
    }
}
