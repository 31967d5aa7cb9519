package io.levee.delivery;

import io.levee.config.DeliverySettings;
import io.levee.config.LeveeConfig;
import io.levee.limits.RateLimitListener;
import io.levee.limits.RuntimeLimits;
import io.levee.worker.TaskContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * The built-in handler of every queue configured with {@code levee.queues.<q>.delivery.url}: each task is POSTed
 * to that URL at no more than {@code max-rate} requests per second and {@code max-in-flight} at once. The worker
 * runs it like any {@code @TaskHandler}: acknowledged after a 2xx, retried with backoff after a transient failure,
 * dead-lettered after a permanent one.
 */
@ApplicationScoped
public class HttpDelivery {

    private final Map<String, Downstream> downstreams = new TreeMap<>();

    /** For CDI's proxy. */
    HttpDelivery() {}

    @Inject
    HttpDelivery(LeveeConfig leveeConfig, Config config, RuntimeLimits limits) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        configured(leveeConfig, config)
                .forEach((queue, settings) -> downstreams.put(
                        queue, new Downstream(queue, settings, client, RateLimitListener.NONE, limits)));
    }

    /** The queues whose tasks this handler delivers, with their settings. */
    public static Map<String, DeliverySettings> configured(LeveeConfig leveeConfig, Config config) {
        Map<String, DeliverySettings> result = new TreeMap<>();
        for (String queue : leveeConfig.queues().keySet()) {
            DeliverySettings.load(config, queue).ifPresent(settings -> result.put(queue, settings));
        }
        return result;
    }

    /**
     * Delivers one task to its queue's downstream.
     *
     * @throws DownstreamUnavailableException transient failure: retried
     * @throws DownstreamRejectedException    permanent failure: dead-lettered
     * @throws InterruptedException           the worker is shutting down
     */
    public void deliver(byte[] payload, TaskContext task) throws InterruptedException {
        Downstream downstream = downstreams.get(task.queue());
        if (downstream == null) {
            throw new IllegalStateException(
                    "queue '" + task.queue() + "' has no levee.queues." + task.queue() + ".delivery.url");
        }
        downstream.deliver(payload, task);
    }
}
