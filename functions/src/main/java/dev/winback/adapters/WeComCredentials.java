package dev.winback.adapters;

/**
 * Where the WeCom application's identity comes from: the corp id, the application's agent id and
 * its secret. The secret is never logged; {@link Credentials#toString()} leaves it out.
 */
public interface WeComCredentials {

    /**
     * The credentials to use now (may be cached).
     *
     * @throws Unavailable when they cannot be read
     */
    Credentials current();

    /**
     * WeCom refused the credentials last returned (a rotated or mistyped secret): the next
     * {@link #current()} should read them again instead of answering from a cache.
     */
    default void refresh() {
    }

    record Credentials(String corpId, String corpSecret, long agentId) {

        public Credentials {
            if (corpId == null || corpId.isBlank()) {
                throw new IllegalArgumentException("WeCom corpId is empty");
            }
            if (corpSecret == null || corpSecret.isBlank()) {
                throw new IllegalArgumentException("WeCom corpSecret is empty");
            }
            if (agentId <= 0) {
                throw new IllegalArgumentException("WeCom agentId must be a positive integer, was " + agentId);
            }
        }

        @Override
        public String toString() {
            return "Credentials[corpId=" + corpId + ", agentId=" + agentId + ", corpSecret=***]";
        }
    }

    /** The credentials could not be read (the store failed, or what it holds is not valid). */
    class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
