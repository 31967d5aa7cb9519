package io.levee.limits;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every {@link RateLimit} at deployment, resolves it against MicroProfile Config and fails the deployment,
 * naming the method and the setting, for an invalid value. The interceptor later reads the settings found here.
 */
public class RateLimitExtension implements Extension {

    private final Map<Method, List<RateLimitSettings>> settings = new ConcurrentHashMap<>();
    private final Map<Method, RateLimits> limiters = new ConcurrentHashMap<>();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        RateLimit[] onClass = event.getAnnotatedBeanClass().getJavaClass().getAnnotationsByType(RateLimit.class);
        Config config = ConfigProvider.getConfig();
        boolean redis = config.getOptionalValue("levee.limits.redis-uri", String.class)
                .filter(v -> !v.isBlank())
                .isPresent();
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            RateLimit[] onMethod = m.getJavaMember().getAnnotationsByType(RateLimit.class);
            boolean fromClass = onMethod.length == 0;
            RateLimit[] annotations = fromClass ? onClass : onMethod;
            if (annotations.length == 0 || m.isStatic()) {
                continue;
            }
            try {
                List<RateLimitSettings> limits = new ArrayList<>();
                for (int i = 0; i < annotations.length; i++) {
                    RateLimitSettings s = RateLimitSettings.resolve(
                            annotations[i], m.getJavaMember(), fromClass, config, annotations.length == 1 ? -1 : i);
                    if (s.shared() && !redis) {
                        throw new IllegalArgumentException("@RateLimit(shared = true) on "
                                + m.getJavaMember().getDeclaringClass().getName() + "#"
                                + m.getJavaMember().getName()
                                + " needs levee.limits.redis-uri, the Redis every replica shares; it is not set");
                    }
                    limits.add(s);
                }
                settings.put(m.getJavaMember(), List.copyOf(limits));
            } catch (IllegalArgumentException e) {
                event.addDefinitionError(new DefinitionException(e.getMessage(), e));
            }
        }
    }

    /** The validated limits of a rate-limited method, in the order their permits are taken; empty if it has none. */
    public List<RateLimitSettings> settings(Method method) {
        return settings.getOrDefault(method, List.of());
    }

    /** The limiters of a rate-limited method in this deployment, created at its first call. */
    RateLimits limiter(Method method, RateLimitListener listener, DeliveryBudgets budgets) {
        return limiters.computeIfAbsent(method, m -> {
            List<RateLimitSettings> limits = settings(m);
            if (limits.isEmpty()) {
                throw new IllegalStateException("@RateLimit on " + m + " was not seen at deployment");
            }
            String name = m.getDeclaringClass().getName() + "#" + m.getName();
            List<RateLimiter> each = new ArrayList<>();
            for (int i = 0; i < limits.size(); i++) {
                RateLimitSettings s = limits.get(i);
                String limiter = limits.size() == 1 ? name : name + "[" + i + "]";
                each.add(
                        s.shared()
                                ? new RateLimiter(
                                        limiter,
                                        s,
                                        listener,
                                        budgets.sharedBucket("ratelimit:" + limiter, RateLimiter.configuration(s))
                                                .orElseThrow(() ->
                                                        new IllegalStateException("levee.limits.redis-uri is not set")),
                                        budgets.configuredReplicas())
                                : new RateLimiter(limiter, s, listener));
            }
            return new RateLimits(each);
        });
    }
}
