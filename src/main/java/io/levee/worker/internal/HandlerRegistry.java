package io.levee.worker.internal;

import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import jakarta.enterprise.inject.spi.DeploymentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;

/**
 * The handlers of this deployment, each bound to its configured queue. Building it reports every definition that
 * cannot run: a queue that is not configured, two handlers for one queue.
 */
final class HandlerRegistry {

    private final List<HandlerEndpoint> endpoints;

    private HandlerRegistry(List<HandlerEndpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /** An empty registry, before deployment validated the handlers. */
    static HandlerRegistry empty() {
        return new HandlerRegistry(List.of());
    }

    List<HandlerEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Binds each handler to its queue.
     *
     * @param problems receives one exception per definition that cannot run
     */
    static HandlerRegistry build(
            List<HandlerDefinition> handlers,
            LeveeConfig leveeConfig,
            Config config,
            Consumer<DeploymentException> problems) {
        Map<String, HandlerDefinition> byQueue = new HashMap<>();
        List<HandlerEndpoint> endpoints = new ArrayList<>();
        for (HandlerDefinition h : handlers) {
            HandlerDefinition other = byQueue.putIfAbsent(h.queue(), h);
            if (other != null) {
                problems.accept(new DeploymentException("queue '" + h.queue() + "' has two handlers: " + other.source()
                        + " and " + h.source() + "; a queue has exactly one"));
                continue;
            }
            Optional<QueueSettings> queue = leveeConfig.queue(h.queue());
            if (queue.isEmpty()) {
                problems.accept(new DeploymentException("@TaskHandler " + h.source() + " handles queue '"
                        + h.queue() + "', which is not configured; configured queues: "
                        + leveeConfig.queues().keySet()
                        + " (add levee.queues." + h.queue() + ".max-length or similar)"));
                continue;
            }
            QueueSettings q = queue.get();
            String prefix = "levee.queues." + q.name() + ".";
            // Configuration wins over the annotation, which wins over the queue's defaults.
            int concurrency = configured(config, prefix + "concurrency")
                    ? q.concurrency()
                    : h.concurrency().orElse(q.concurrency());
            int prefetch = configured(config, prefix + "prefetch")
                    ? q.prefetch()
                    : h.prefetch().orElse(q.prefetch());
            if (h.batch().isPresent()) {
                int size = h.batch().get().size();
                boolean explicit =
                        configured(config, prefix + "prefetch") || h.prefetch().isPresent();
                if (explicit && prefetch < size) {
                    problems.accept(new DeploymentException("@TaskHandler " + h.source() + " has batchSize = " + size
                            + " above its prefetch of " + prefetch + "; a batch never exceeds the prefetch: raise"
                            + " the prefetch or lower batchSize"));
                    continue;
                }
                // A session holds at most prefetch unacknowledged tasks, so a batch can only fill up to it.
                prefetch = Math.max(prefetch, size);
            }
            boolean deduplicate = q.deduplicate().orElse(h.deduplicate());
            endpoints.add(new HandlerEndpoint(h, q, concurrency, prefetch, h.timeout(), deduplicate));
        }
        List<String> undelivered = leveeConfig.queues().values().stream()
                .filter(q -> q.delivery().isPresent() && !byQueue.containsKey(q.name()))
                .map(QueueSettings::name)
                .toList();
        if (!undelivered.isEmpty()) {
            problems.accept(new DeploymentException("queues " + undelivered + " have a delivery.url, but no bean of"
                    + " this deployment handles them (the built-in delivery is a HandlerProvider bean that is"
                    + " missing)"));
        }
        return new HandlerRegistry(endpoints);
    }

    private static boolean configured(Config config, String key) {
        return config.getOptionalValue(key, String.class).isPresent();
    }
}
