package dev.winback.core.recall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * C6/C7: the control group. A fixed share of each scenario's eligible users gets no message, so
 * what the messages change can be measured against them. The draw is a hash of (scenario, user):
 * the same user is always in or out of a scenario's holdout, on every run and every machine.
 */
public final class Holdout {

    private Holdout() {
    }

    public static boolean isHeldOut(String userId, String scenario, double share) {
        if (share <= 0) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((scenario + '\n' + userId).getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() >>> 11; // 53 bits: a double's precision
            return bits / (double) (1L << 53) < share;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
