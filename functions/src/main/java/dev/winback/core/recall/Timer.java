package dev.winback.core.recall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A pending deadline check (A2): the user entered a watched page at {@code enteredAt}; at
 * {@code dueAt} their order intent is judged. The entry time identifies the timer: re-entering the
 * page starts a new one and makes this one stale, an order cancels it.
 */
public record Timer(String userId, String page, Instant enteredAt, Instant dueAt) {

    /** Looking a digest up costs as much as computing one; {@code digest()} resets it for the next use. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /**
     * A stable id derived from the cause (user, page kind, entry time): the decision id, the
     * deduplication key for redelivered timer messages, and the schedule name.
     */
    public String id() {
        return "dl-" + digest(userId + '\n' + page + '\n' + enteredAt.toEpochMilli());
    }

    /**
     * The user's pending-timer slot for this page kind (A9: one per user and page kind), stable
     * across re-entries: a long timer's schedule is named after it, so re-entering the page moves
     * the pending schedule instead of adding one.
     */
    public String slot() {
        return "ds-" + digest(userId + '\n' + page);
    }

    private static String digest(String cause) {
        byte[] digest = SHA_256.get().digest(cause.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 12);
    }
}
