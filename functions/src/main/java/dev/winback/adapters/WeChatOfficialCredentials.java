package dev.winback.adapters;

/**
 * Where the WeChat official account's (公众号) identity comes from: its AppID and AppSecret. The
 * secret is never logged; {@link Credentials#toString()} leaves it out.
 */
public interface WeChatOfficialCredentials {

    /**
     * The credentials to use now (may be cached).
     *
     * @throws Unavailable when they cannot be read
     */
    Credentials current();

    /**
     * WeChat refused the credentials last returned (a reset or mistyped AppSecret): the next
     * {@link #current()} should read them again instead of answering from a cache.
     */
    default void refresh() {
    }

    record Credentials(String appId, String appSecret) {

        public Credentials {
            if (appId == null || appId.isBlank()) {
                throw new IllegalArgumentException("WeChat appId is empty");
            }
            if (appSecret == null || appSecret.isBlank()) {
                throw new IllegalArgumentException("WeChat appSecret is empty");
            }
        }

        @Override
        public String toString() {
            return "Credentials[appId=" + appId + ", appSecret=***]";
        }
    }

    /** The credentials could not be read (the store failed, or what it holds is not valid). */
    class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
