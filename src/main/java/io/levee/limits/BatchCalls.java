package io.levee.limits;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

/**
 * How many tasks one call carries, for limits that count tasks rather than calls: the worker runs a batch handler's
 * call inside {@link #call}, and {@code @RateLimit} on that method then takes one permit per task of the batch.
 * Calls the handler makes to other rate-limited methods take one permit each, as usual.
 */
public final class BatchCalls {

    private record Call(Method method, int tasks) {}

    private static final ScopedValue<Call> CURRENT = ScopedValue.newInstance();

    private BatchCalls() {}

    /** Runs {@code body}, a call of {@code method} that carries {@code tasks} tasks. */
    public static <T> T call(Method method, int tasks, Callable<T> body) throws Exception {
        return ScopedValue.where(CURRENT, new Call(method, tasks)).call(body::call);
    }

    /** The permits an invocation of {@code method} takes: its batch's task count, else 1. */
    static int permits(Method method) {
        if (!CURRENT.isBound()) {
            return 1;
        }
        Call c = CURRENT.get();
        return c.method().equals(method) ? Math.max(1, c.tasks()) : 1;
    }
}
