package io.levee.limits;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.io.Serializable;

/**
 * Applies {@link RateLimit}. Its priority is pinned just inside MicroProfile Fault Tolerance (Helidon's interceptor
 * is {@code PLATFORM_AFTER + 10}), so that every actual invocation, each retry included, takes a permit.
 */
@RateLimit
@Interceptor
@Priority(RateLimitInterceptor.PRIORITY)
public class RateLimitInterceptor implements Serializable {

    /** The pinned interceptor priority. */
    public static final int PRIORITY = Interceptor.Priority.PLATFORM_AFTER + 20;

    private final transient RateLimitExtension extension;
    private final transient RateLimitListener listener;
    private final transient DeliveryBudgets budgets;

    @Inject
    RateLimitInterceptor(
            RateLimitExtension extension, @Any Instance<RateLimitListener> listeners, DeliveryBudgets budgets) {
        this.extension = extension;
        this.budgets = budgets;
        this.listener = RateLimitListener.all(listeners.stream().toList());
    }

    @AroundInvoke
    Object limit(InvocationContext context) throws Exception {
        RateLimits limiter = extension.limiter(context.getMethod(), listener, budgets);
        for (int i = BatchCalls.permits(context.getMethod()); i > 0; i--) {
            limiter.acquire();
        }
        return context.proceed();
    }
}
