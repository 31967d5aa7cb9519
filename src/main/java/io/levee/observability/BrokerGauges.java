package io.levee.observability;

import io.levee.config.LeveeConfig;
import io.levee.config.ObservabilitySettings;
import io.levee.messaging.Broker;
import io.levee.messaging.TaskPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The broker's state as gauges: {@code levee.queue.depth}, {@code levee.queue.dead.letters},
 * {@code levee.queue.consumers} per queue and {@code levee.unroutable.depth}, sampled on a bounded cadence
 * ({@link BrokerSample}, {@code levee.metrics.broker-sample-interval}); {@code levee.broker.connected} and
 * {@code levee.broker.blocked}, which cost nothing to read. Nothing here runs per request.
 */
@ApplicationScoped
public class BrokerGauges {

    private final MetricRegistry registry;
    private final LeveeConfig config;
    private final Broker broker;
    private final TaskPublisher publisher;
    private final BrokerSample sample;

    @Inject
    BrokerGauges(
            @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
            LeveeConfig config,
            ObservabilitySettings settings,
            Broker broker,
            TaskPublisher publisher) {
        this.registry = registry;
        this.config = config;
        this.broker = broker;
        this.publisher = publisher;
        this.sample = new BrokerSample(broker, config, settings.brokerSampleInterval(), System::nanoTime);
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (String queue : config.queues().keySet()) {
            Tag tag = new Tag("queue", queue);
            registry.gauge(MetricNames.QUEUE_DEPTH, sample, s -> s.queue(queue).depth(), tag);
            registry.gauge(
                    MetricNames.QUEUE_DEAD_LETTERS, sample, s -> s.queue(queue).deadLetters(), tag);
            registry.gauge(
                    MetricNames.QUEUE_CONSUMERS, sample, s -> s.queue(queue).consumers(), tag);
        }
        registry.gauge(MetricNames.UNROUTABLE_DEPTH, sample, BrokerSample::unroutable);
        registry.gauge(MetricNames.BROKER_CONNECTED, broker, b -> b.isUp() ? 1 : 0);
        registry.gauge(MetricNames.BROKER_BLOCKED, publisher, p -> p.blocked() ? 1 : 0);
    }
}
