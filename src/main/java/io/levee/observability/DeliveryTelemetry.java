package io.levee.observability;

import io.levee.delivery.DeliveryListener;
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
 * The built-in delivery's metrics: {@code levee.delivery.requests} by status class ({@code 2xx} ... {@code 5xx}, and
 * {@code error} for no answer) and {@code levee.delivery.duration}.
 */
@ApplicationScoped
public class DeliveryTelemetry implements DeliveryListener {

    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MetricRegistry registry;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();

    @Inject
    DeliveryTelemetry(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Request sending(String queue, String taskId, int attempt, String traceparent) {
        QueueMeters m = queues.computeIfAbsent(queue, this::meters);
        long start = System.nanoTime();
        return new Request() {
            @Override
            public String traceparent() {
                return traceparent;
            }

            @Override
            public void answered(int status) {
                m.duration().update(Duration.ofNanos(System.nanoTime() - start));
                m.requests(statusClass(status)).inc();
            }

            @Override
            public void failed(Throwable error) {
                m.duration().update(Duration.ofNanos(System.nanoTime() - start));
                m.requests("error").inc();
            }
        };
    }

    private static String statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? CLASSES[c - 1] : "error";
    }

    private QueueMeters meters(String queue) {
        return new QueueMeters(
                registry,
                new Tag("queue", queue),
                registry.timer(MetricNames.DELIVERY_DURATION, new Tag("queue", queue)));
    }

    private record QueueMeters(MetricRegistry registry, Tag queue, Timer duration, Map<String, Counter> byClass) {
        QueueMeters(MetricRegistry registry, Tag queue, Timer duration) {
            this(registry, queue, duration, new ConcurrentHashMap<>());
        }

        Counter requests(String statusClass) {
            return byClass.computeIfAbsent(
                    statusClass, c -> registry.counter(MetricNames.DELIVERY_REQUESTS, queue, new Tag("status", c)));
        }
    }
}
