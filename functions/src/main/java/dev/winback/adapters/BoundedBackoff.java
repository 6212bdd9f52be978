package dev.winback.adapters;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded attempts with exponential backoff and "equal jitter" between them (a delay drawn from
 * [cap/2, cap], the cap doubling from the base up to the maximum): enough spread that containers
 * rate-limited together do not retry together, and a bound so a message never waits long.
 */
final class BoundedBackoff {

    /** How to wait between attempts (tests replace it to observe or skip the delays). */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final String service;
    private final int maxAttempts;
    private final Duration base;
    private final Duration max;
    private final Pause pause;
    private final WeixinApi.Failure failure;

    /** @param service the name used in messages, e.g. {@code WeCom} */
    BoundedBackoff(String service, int maxAttempts, Duration base, Duration max, Pause pause, WeixinApi.Failure failure) {
        this.service = service;
        this.maxAttempts = maxAttempts;
        this.base = base;
        this.max = max;
        this.pause = pause;
        this.failure = failure;
    }

    /** The attempts of one call to {@code api}. */
    Attempts start(String api) {
        return new Attempts(api);
    }

    final class Attempts {
        private final String api;
        private int failures;

        private Attempts(String api) {
            this.api = api;
        }

        /**
         * Records a failed attempt and waits before the next one.
         *
         * @throws RuntimeException the client's failure when the attempts are used up, or when interrupted
         */
        void pause(Integer code, String what, Throwable cause) {
            failures++;
            if (failures >= maxAttempts) {
                throw failure.of(service + " " + api + " still failing after " + maxAttempts + " attempts: " + what,
                        code, cause);
            }
            long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(failures - 1, 20));
            long delay = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
            try {
                pause.sleep(Duration.ofMillis(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure.of("interrupted while backing off from " + service + " " + api + ": " + what, code, e);
            }
        }
    }
}
