package io.levee.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishes rate-limit events as MicroProfile Metrics, tagged with the limited method:
 * {@code levee.ratelimit.permits}, {@code levee.ratelimit.waits}, {@code levee.ratelimit.wait} (timer) and
 * {@code levee.ratelimit.rejections}. A limiter's metrics are all registered at its first event, so that later
 * events only count (registration is slow, and would delay the call that triggers it).
 */
@ApplicationScoped
public class RateLimitMetrics implements RateLimitListener {

    private final MetricRegistry registry;
    private final Map<String, LimiterMetrics> limiters = new ConcurrentHashMap<>();

    @Inject
    RateLimitMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void permitted(String limiter) {
        metrics(limiter).permits().inc();
    }

    @Override
    public void waited(String limiter, Duration waited) {
        LimiterMetrics m = metrics(limiter);
        m.waits().inc();
        m.waitTime().update(waited);
    }

    @Override
    public void rejected(String limiter) {
        metrics(limiter).rejections().inc();
    }

    private LimiterMetrics metrics(String limiter) {
        return limiters.computeIfAbsent(limiter, name -> {
            Tag tag = new Tag("method", name);
            return new LimiterMetrics(
                    registry.counter("levee.ratelimit.permits", tag),
                    registry.counter("levee.ratelimit.waits", tag),
                    registry.timer("levee.ratelimit.wait", tag),
                    registry.counter("levee.ratelimit.rejections", tag));
        });
    }

    private record LimiterMetrics(Counter permits, Counter waits, Timer waitTime, Counter rejections) {}
}
