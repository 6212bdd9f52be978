package dev.winback.adapters;

import dev.winback.core.recall.OptOutList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The SNS SMS opt-out list (numbers that replied STOP), asked with
 * {@code CheckIfPhoneNumberIsOptedOut}. That call is throttled to a few dozen per second per
 * account, so answers are cached per warm Lambda container for {@code ttl} in a bounded LRU map; a
 * STOP can therefore take up to {@code ttl} to be seen here, while SNS itself already refuses to
 * deliver to an opted-out number. A failed lookup is not cached and its exception propagates: the
 * decision fails and is retried, rather than texting someone whose consent is unknown.
 */
public final class SnsOptOutList implements OptOutList {

    static final int MAX_ENTRIES = 10_000;

    private record Answer(boolean optedOut, Instant expires) {
    }

    private final SnsClient sns;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Answer> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public SnsOptOutList(SnsClient sns, Duration ttl, Clock clock) {
        this.sns = sns;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public boolean isOptedOut(String phoneNumber) {
        Instant now = clock.instant();
        synchronized (cache) {
            Answer cached = cache.get(phoneNumber);
            if (cached != null && now.isBefore(cached.expires())) {
                return cached.optedOut();
            }
        }
        // Outside the lock: a slow SNS call must not hold up lookups of other numbers.
        boolean optedOut = Boolean.TRUE.equals(
                sns.checkIfPhoneNumberIsOptedOut(b -> b.phoneNumber(phoneNumber)).isOptedOut());
        synchronized (cache) {
            cache.put(phoneNumber, new Answer(optedOut, now.plus(ttl)));
        }
        return optedOut;
    }
}
