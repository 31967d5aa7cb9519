package io.levee.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishes adaptive delivery as MicroProfile Metrics, tagged with the queue: gauges {@code levee.delivery.rate}
 * (requests/s now), {@code levee.delivery.max.rate} and {@code levee.delivery.circuit.state} (0 closed, 1 half-open,
 * 2 open); counters {@code levee.delivery.rate.cuts} and {@code levee.delivery.circuit.opened}.
 */
@ApplicationScoped
public class PaceMetrics implements PaceListener {

    private final MetricRegistry registry;
    private final Map<String, Counter> cuts = new ConcurrentHashMap<>();
    private final Map<String, Counter> opened = new ConcurrentHashMap<>();

    @Inject
    PaceMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void registered(String queue, AdaptivePace pace) {
        Tag tag = new Tag("queue", queue);
        registry.gauge("levee.delivery.rate", pace, p -> p.state().rate(), tag);
        registry.gauge("levee.delivery.max.rate", pace, p -> p.state().maxRate(), tag);
        registry.gauge("levee.delivery.circuit.state", pace, PaceMetrics::circuitState, tag);
        cuts.put(queue, registry.counter("levee.delivery.rate.cuts", tag));
        opened.put(queue, registry.counter("levee.delivery.circuit.opened", tag));
    }

    private static int circuitState(AdaptivePace pace) {
        return switch (pace.state().circuit()) {
            case "open" -> 2;
            case "half-open" -> 1;
            default -> 0;
        };
    }

    @Override
    public void cut(String queue, double rate) {
        Counter c = cuts.get(queue);
        if (c != null) {
            c.inc();
        }
    }

    @Override
    public void circuitOpened(String queue) {
        Counter c = opened.get(queue);
        if (c != null) {
            c.inc();
        }
    }
}
