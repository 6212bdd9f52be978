package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** C6: the hours in the user's own time zone when no marketing message goes out. */
public final class QuietHours {

    private QuietHours() {
    }

    public static boolean isQuiet(Instant at, String userTimeZone, Policy policy) {
        LocalTime local = at.atZone(zone(userTimeZone, policy)).toLocalTime();
        Policy.QuietHours quiet = policy.messaging().quietHours();
        if (quiet.start().equals(quiet.end())) {
            return false; // an empty window: the operator switched quiet hours off
        }
        if (quiet.start().isBefore(quiet.end())) {
            return !local.isBefore(quiet.start()) && local.isBefore(quiet.end());
        }
        return !local.isBefore(quiet.start()) || local.isBefore(quiet.end()); // spans midnight
    }

    /** When a deferred message may go: the end of the quiet period that contains {@code at}. */
    public static Instant endOf(Instant at, String userTimeZone, Policy policy) {
        ZonedDateTime local = at.atZone(zone(userTimeZone, policy));
        ZonedDateTime end = local.with(policy.messaging().quietHours().end());
        return (end.isAfter(local) ? end : end.plusDays(1)).toInstant();
    }

    /** The user's zone if valid, else the policy's (a bad profile value must not block a decision). */
    static ZoneId zone(String userTimeZone, Policy policy) {
        if (userTimeZone != null) {
            try {
                return ZoneId.of(userTimeZone);
            } catch (DateTimeException ignored) {
                // fall through to the policy's zone
            }
        }
        return policy.timeZone();
    }
}
