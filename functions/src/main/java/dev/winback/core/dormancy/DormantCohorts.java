package dev.winback.core.dormancy;

import dev.winback.core.ingest.StoredState;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.state.UserState;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.zip.CRC32;

/**
 * B6: the dormant-cohort index. Each user is filed under the day they become dormant, split into
 * shards so one day's cohort is read by several queries in parallel and no partition runs hot.
 * A scan on day D reads the cohorts of D, D − cool-down, D − 2 × cool-down, …: exactly the users
 * due a first, second, … reminder, however many users there are in all.
 */
public final class DormantCohorts {

    private DormantCohorts() {
    }

    /** The index entry for a user, or null when the user has no dormancy day (never seen to log in or register). */
    public static StoredState.CohortEntry entry(UserState user, Policy policy) {
        if (user.dormantFrom == null) {
            return null;
        }
        return new StoredState.CohortEntry(key(user.dormantFrom, shard(user.userId, policy.dormancy().indexShards())),
                user.dormantFrom, ContactCard.of(user).toMap());
    }

    public static String key(LocalDate dormantFrom, int shard) {
        return dormantFrom + "#" + String.format("%02d", shard);
    }

    /** A stable shard for a user (CRC32 of the id), the same in every JVM and language. */
    public static int shard(String userId, int shards) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }
}
