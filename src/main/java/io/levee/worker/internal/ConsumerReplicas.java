package io.levee.worker.internal;

import io.levee.limits.ReplicaCount;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the worker replicas of a queue from the broker: its consumers divided by the sessions this replica runs
 * for it (every replica runs the same number). The last count is kept for when the broker does not answer.
 */
@ApplicationScoped
class ConsumerReplicas implements ReplicaCount {

    private final Broker broker;
    private final HandlerExtension handlers;
    private final Map<String, Integer> last = new ConcurrentHashMap<>();

    @Inject
    ConsumerReplicas(Broker broker, HandlerExtension handlers) {
        this.broker = broker;
        this.handlers = handlers;
    }

    @Override
    public int replicas(String queue) {
        int sessions = handlers.registry().endpoints().stream()
                .filter(e -> e.queue().name().equals(queue))
                .mapToInt(HandlerEndpoint::concurrency)
                .findFirst()
                .orElse(1);
        try {
            long consumers = broker.state(queue).consumers();
            int count = (int) Math.max(1, (consumers + sessions - 1) / sessions);
            last.put(queue, count);
            return count;
        } catch (BrokerUnavailableException e) {
            return last.getOrDefault(queue, 1);
        }
    }
}
