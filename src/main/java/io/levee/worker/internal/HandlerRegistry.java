package io.levee.worker.internal;

import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import jakarta.enterprise.inject.spi.DeploymentException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.faulttolerance.Timeout;

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
            Optional<Duration> timeout;
            try {
                timeout = timeout(h.method(), config);
            } catch (IllegalArgumentException e) {
                problems.accept(new DeploymentException(e.getMessage(), e));
                continue;
            }
            endpoints.add(new HandlerEndpoint(h, q, concurrency, prefetch, timeout));
        }
        return new HandlerRegistry(endpoints);
    }

    private static boolean configured(Config config, String key) {
        return config.getOptionalValue(key, String.class).isPresent();
    }

    /**
     * The handler's MicroProfile Fault Tolerance timeout with the same config overrides MP FT applies
     * ({@code <class>/<method>/Timeout/value}, {@code <class>/Timeout/value}, {@code Timeout/value}, and
     * {@code .../unit}).
     */
    static Optional<Duration> timeout(Method method, Config config) {
        Timeout onMethod = method.getAnnotation(Timeout.class);
        Timeout annotation =
                onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(Timeout.class);
        if (annotation == null) {
            return Optional.empty();
        }
        String cls = method.getDeclaringClass().getName();
        List<String> prefixes = onMethod != null
                ? List.of(cls + "/" + method.getName() + "/Timeout/", "Timeout/")
                : List.of(cls + "/Timeout/", "Timeout/");
        String value = first(config, prefixes, "value").orElse(Long.toString(annotation.value()));
        String unit = first(config, prefixes, "unit").orElse(annotation.unit().name());
        try {
            return Optional.of(Duration.of(
                    Long.parseLong(value.trim()), ChronoUnit.valueOf(unit.trim().toUpperCase(Locale.ROOT))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "@Timeout of " + HandlerDefinition.source(method) + " is not a valid" + " duration: value '" + value
                            + "', unit '" + unit + "'",
                    e);
        }
    }

    private static Optional<String> first(Config config, List<String> prefixes, String attribute) {
        for (String p : prefixes) {
            Optional<String> v = config.getOptionalValue(p + attribute, String.class);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
