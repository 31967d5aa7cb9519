package io.levee.limits;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishes rate-limit events as MicroProfile Metrics, tagged with the limited method:
 * {@code levee.ratelimit.permits}, {@code levee.ratelimit.waits}, {@code levee.ratelimit.wait.seconds} (timer) and
 * {@code levee.ratelimit.rejections}.
 */
@ApplicationScoped
public class RateLimitMetrics implements RateLimitListener {

    private final MetricRegistry registry;

    @Inject
    RateLimitMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void permitted(String limiter) {
        registry.counter("levee.ratelimit.permits", tag(limiter)).inc();
    }

    @Override
    public void waited(String limiter, Duration waited) {
        registry.counter("levee.ratelimit.waits", tag(limiter)).inc();
        registry.timer("levee.ratelimit.wait", tag(limiter)).update(waited);
    }

    @Override
    public void rejected(String limiter) {
        registry.counter("levee.ratelimit.rejections", tag(limiter)).inc();
    }

    private static Tag tag(String limiter) {
        return new Tag("method", limiter);
    }
}
