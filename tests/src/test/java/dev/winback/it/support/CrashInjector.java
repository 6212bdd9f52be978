package dev.winback.it.support;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Kills the function right after a call succeeded: every {@code every}-th matching request completes
 * on the engine, and then a {@link Crash} — an {@link Error}, which no handler catches — unwinds the
 * invocation, as a Lambda runtime that dies (out of memory, timeout) would. What was written stays
 * written; the event source mapping delivers the whole batch again.
 */
public final class CrashInjector implements ExecutionInterceptor {

    /** The function died. */
    public static final class Crash extends Error {
        Crash(String message) {
            super(message, null, false, false);
        }
    }

    private final Predicate<SdkRequest> where;
    private final int every;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicInteger crashes = new AtomicInteger();

    public CrashInjector(Predicate<SdkRequest> where, int every) {
        this.where = where;
        this.every = every;
    }

    public int crashes() {
        return crashes.get();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (where.test(context.request()) && seen.incrementAndGet() % every == 0) {
            crashes.incrementAndGet();
            throw new Crash("injected crash after " + context.request().getClass().getSimpleName());
        }
    }
}
