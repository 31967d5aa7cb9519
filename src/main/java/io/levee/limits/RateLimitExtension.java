package io.levee.limits;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Finds every {@link RateLimit} at deployment, resolves it against MicroProfile Config and fails the deployment,
 * naming the method and the setting, for an invalid value. The interceptor later reads the settings found here.
 */
public class RateLimitExtension implements Extension {

    private final Map<Method, RateLimitSettings> settings = new ConcurrentHashMap<>();
    private final Map<Method, RateLimiter> limiters = new ConcurrentHashMap<>();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        RateLimit onClass = event.getAnnotatedBeanClass().getAnnotation(RateLimit.class);
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            RateLimit onMethod = m.getAnnotation(RateLimit.class);
            RateLimit annotation = onMethod != null ? onMethod : onClass;
            if (annotation == null || m.isStatic()) {
                continue;
            }
            try {
                settings.put(
                        m.getJavaMember(),
                        RateLimitSettings.resolve(
                                annotation, m.getJavaMember(), onMethod == null, ConfigProvider.getConfig()));
            } catch (IllegalArgumentException e) {
                event.addDefinitionError(new DefinitionException(e.getMessage(), e));
            }
        }
    }

    /** The validated settings of a rate-limited method, if it is one. */
    public Optional<RateLimitSettings> settings(Method method) {
        return Optional.ofNullable(settings.get(method));
    }

    /** The one limiter of a rate-limited method in this deployment, created at its first call. */
    RateLimiter limiter(Method method, RateLimitListener listener) {
        return limiters.computeIfAbsent(
                method,
                m -> new RateLimiter(
                        m.getDeclaringClass().getName() + "#" + m.getName(),
                        settings(m)
                                .orElseThrow(() -> new IllegalStateException(
                                        "@RateLimit on " + m + " was not seen at deployment")),
                        listener));
    }
}
