package dev.winback.adapters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An API access token shared by every thread of a client. Tencent's APIs limit how often a token
 * may be fetched and expect it to be cached, so the token is kept until shortly before it expires,
 * only one thread fetches a new one at a time (the others wait for it and use what it fetched), and
 * a token the API rejected is dropped only if no other thread has replaced it already.
 */
final class AccessTokenCache {

    /** Fetches a new token (may throw the client's own exceptions). */
    @FunctionalInterface
    interface Fetcher {
        Token fetch();
    }

    /** A token and when to stop using it; {@link #toString()} leaves the value out. */
    record Token(String value, Instant renewAt) {
        @Override
        public String toString() {
            return "Token[renewAt=" + renewAt + "]";
        }
    }

    private final Clock clock;
    private final Fetcher fetcher;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Token token;

    AccessTokenCache(Clock clock, Fetcher fetcher) {
        this.clock = clock;
        this.fetcher = fetcher;
    }

    /**
     * When a token that lives {@code lifetimeSeconds} from {@code asked} should be renewed: its
     * expiry minus the safety margin, the margin being at most half the lifetime (a short-lived
     * token is still used for a while).
     */
    static Instant renewAt(Instant asked, long lifetimeSeconds, Duration safetyMargin) {
        Duration half = Duration.ofSeconds(lifetimeSeconds / 2);
        Duration margin = safetyMargin.compareTo(half) > 0 ? half : safetyMargin;
        return asked.plusSeconds(lifetimeSeconds).minus(margin);
    }

    /** The cached token, fetching one when there is none or it is due for renewal. */
    Token get() {
        Token current = token;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current;
        }
        lock.lock(); // one fetch at a time; the others wait for it and use its token
        try {
            current = token;
            if (current != null && clock.instant().isBefore(current.renewAt())) {
                return current;
            }
            current = fetcher.fetch();
            token = current;
            return current;
        } finally {
            lock.unlock();
        }
    }

    /** Drops {@code stale} unless another thread already replaced it. */
    void invalidate(Token stale) {
        lock.lock();
        try {
            if (token == stale) {
                token = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops whatever token is cached. */
    void clear() {
        lock.lock();
        try {
            token = null;
        } finally {
            lock.unlock();
        }
    }
}
