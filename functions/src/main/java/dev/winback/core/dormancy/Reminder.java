package dev.winback.core.dormancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;

/**
 * The {@code number}-th reminder (0-based) of the dormancy episode that began on {@code cohortDay}.
 * Its id is derived from that cause, so a retried run, a redelivered shard task and a deferred
 * delivery all find the same decision.
 */
public record Reminder(String userId, LocalDate cohortDay, int number) {

    public String decisionId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (userId + '\n' + cohortDay + '\n' + number).getBytes(StandardCharsets.UTF_8));
            return "dm-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
