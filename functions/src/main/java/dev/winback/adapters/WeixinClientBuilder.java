package dev.winback.adapters;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings {@link WeComClient} and {@link WeChatOfficialClient} share: where the API is, the
 * timeouts, the retry budget and backoff, when a token is renewed, and the clock and sleeper tests
 * replace. Each client's builder adds what only it has.
 *
 * @param <B> the concrete builder, so the setters chain
 */
public abstract class WeixinClientBuilder<B extends WeixinClientBuilder<B>> {

    URI baseUrl;
    Duration connectTimeout = Duration.ofSeconds(3);
    Duration requestTimeout = Duration.ofSeconds(5);
    int maxAttempts = 3;
    Duration backoffBase = Duration.ofMillis(200);
    Duration backoffMax = Duration.ofSeconds(2);
    Duration tokenSafetyMargin = Duration.ofMinutes(5);
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Thread::sleep;

    WeixinClientBuilder(URI defaultBaseUrl) {
        this.baseUrl = defaultBaseUrl;
    }

    /** Where the API is; the default is Tencent's public host for the client. */
    public B baseUrl(URI baseUrl) {
        this.baseUrl = Objects.requireNonNull(baseUrl);
        return self();
    }

    public B timeouts(Duration connect, Duration request) {
        this.connectTimeout = positive(connect, "connect timeout");
        this.requestTimeout = positive(request, "request timeout");
        return self();
    }

    /** Attempts in all for busy / rate-limited / transport failures (default 3). */
    public B maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        return self();
    }

    /** First delay and cap of the exponential backoff (defaults 200 ms and 2 s). */
    public B backoff(Duration base, Duration max) {
        this.backoffBase = positive(base, "backoff base");
        this.backoffMax = positive(max, "backoff max");
        return self();
    }

    /** How long before its expiry a token is renewed (default 5 min, at most half its lifetime). */
    public B tokenSafetyMargin(Duration margin) {
        if (margin == null || margin.isNegative()) {
            throw new IllegalArgumentException("token safety margin must not be negative");
        }
        this.tokenSafetyMargin = margin;
        return self();
    }

    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return self();
    }

    public B sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper);
        return self();
    }

    /** The HTTP envelope for these settings; failures become the client's own exception type. */
    WeixinApi api(String service, WeixinApi.Failure failure) {
        return new WeixinApi(service, WeixinApi.withTrailingSlash(baseUrl), connectTimeout, requestTimeout, failure);
    }

    BoundedBackoff backoff(String service, WeixinApi.Failure failure) {
        return new BoundedBackoff(service, maxAttempts, backoffBase, backoffMax, sleeper::sleep, failure);
    }

    abstract B self();

    static Duration positive(Duration value, String what) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return value;
    }

    /** How the client waits between attempts (tests replace it to run without real sleeps). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }
}
