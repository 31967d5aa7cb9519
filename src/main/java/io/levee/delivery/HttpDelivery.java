package io.levee.delivery;

import io.levee.config.DeliverySettings;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.limits.DeliveryBudgets;
import io.levee.limits.DeliveryPaces;
import io.levee.limits.RuntimeLimits;
import io.levee.worker.HandlerProvider;
import io.levee.worker.ProvidedHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The built-in handler of every queue configured with {@code levee.queues.<q>.delivery.url}: each task is POSTed
 * to that URL at no more than {@code max-rate} requests per second and {@code max-in-flight} at once. It plugs into
 * the worker as a {@link HandlerProvider}, so the worker runs it like any {@code @TaskHandler}: acknowledged after a
 * 2xx, retried with backoff after a transient failure ({@link DownstreamUnavailableException}), dead-lettered after
 * a permanent one ({@link DownstreamRejectedException}).
 */
@ApplicationScoped
public class HttpDelivery implements HandlerProvider {

    private final List<ProvidedHandler> handlers = new ArrayList<>();

    /** For CDI's proxy. */
    HttpDelivery() {}

    @Inject
    HttpDelivery(
            LeveeConfig config,
            RuntimeLimits limits,
            DeliveryPaces paces,
            DeliveryBudgets budgets,
            Instance<DeliveryListener> listener) {
        DeliveryListener deliveries = listener.isResolvable() ? listener.get() : DeliveryListener.NONE;
        List<QueueSettings> delivered = config.queues().values().stream()
                .filter(q -> q.delivery().isPresent())
                .toList();
        if (delivered.isEmpty()) {
            return;
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        for (QueueSettings q : delivered) {
            DeliverySettings settings = q.delivery().orElseThrow();
            Downstream downstream = new Downstream(
                    q.name(),
                    settings,
                    client,
                    budgets.budget(q.name(), limits.deliveryMaxRate(q.name(), settings.maxRate())),
                    paces.listener(),
                    deliveries,
                    limits);
            paces.register(q.name(), downstream.pace());
            handlers.add(new ProvidedHandler(
                    q.name(),
                    "levee.queues." + q.name() + ".delivery.url",
                    OptionalInt.of(settings.maxInFlight()),
                    downstream::deliver));
        }
    }

    @Override
    public List<ProvidedHandler> handlers() {
        return List.copyOf(handlers);
    }
}
