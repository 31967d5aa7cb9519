package io.levee.observability;

import io.levee.config.LeveeConfig;
import io.levee.ingress.IngestListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
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
 * The ingest path's metrics: {@code levee.tasks.accepted}, {@code levee.tasks.rejected} (by reason) and
 * {@code levee.publish.confirm}. A configured queue's meters are registered at startup (so they read 0 before the
 * first task), a reason's at its first refusal; requests for unknown queues share the {@code (unknown)} tag, so a
 * client cannot grow the registry by inventing queue names.
 */
@ApplicationScoped
public class IngestTelemetry implements IngestListener {

    private final MetricRegistry registry;
    private final LeveeConfig config;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();

    @Inject
    IngestTelemetry(
            @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry, LeveeConfig config) {
        this.registry = registry;
        this.config = config;
        config.queues().keySet().forEach(this::meters);
    }

    /** Created at startup rather than at the first task, so that every queue's meters read 0 from the start. */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // The constructor registered them.
    }

    @Override
    public Request received(String queue, String traceparent, boolean batch) {
        return new Observed(meters(config.queues().containsKey(queue) ? queue : MetricNames.UNKNOWN_QUEUE));
    }

    private QueueMeters meters(String queue) {
        return queues.computeIfAbsent(queue, q -> {
            Tag tag = new Tag("queue", q);
            return new QueueMeters(
                    tag,
                    registry.counter(MetricNames.TASKS_ACCEPTED, tag),
                    registry.timer(MetricNames.PUBLISH_CONFIRM, tag),
                    new ConcurrentHashMap<>());
        });
    }

    private record QueueMeters(Tag queue, Counter accepted, Timer confirm, Map<String, Counter> rejected) {}

    private final class Observed implements Request {
        private final QueueMeters meters;

        Observed(QueueMeters meters) {
            this.meters = meters;
        }

        @Override
        public Publish publishing(String taskId, String traceparent) {
            long start = System.nanoTime();
            return new Publish() {
                @Override
                public String traceparent() {
                    return traceparent;
                }

                @Override
                public void confirmed() {
                    meters.confirm().update(Duration.ofNanos(System.nanoTime() - start));
                    meters.accepted().inc();
                }
            };
        }

        @Override
        public void rejected(String reason) {
            meters.rejected()
                    .computeIfAbsent(
                            reason,
                            r -> registry.counter(MetricNames.TASKS_REJECTED, meters.queue(), new Tag("reason", r)))
                    .inc();
        }
    }
}
