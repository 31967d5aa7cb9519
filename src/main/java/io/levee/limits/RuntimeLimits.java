package io.levee.limits;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Delivery limits an operator set at runtime, per queue, replacing the configured {@code max-rate} and
 * {@code max-in-flight} until reset. Pacers read their ceiling here and are told when it changes; whatever adapts a
 * rate below the ceiling (latency or error driven) takes it from here too.
 */
@ApplicationScoped
public class RuntimeLimits {

    /**
     * A queue's runtime delivery limits; null means "as configured".
     *
     * @param maxRate     requests per second
     * @param maxInFlight concurrent requests
     */
    public record Delivery(Double maxRate, Integer maxInFlight) {

        /** No runtime change. */
        public static final Delivery CONFIGURED = new Delivery(null, null);
    }

    private final Map<String, Delivery> delivery = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Delivery>> listeners = new CopyOnWriteArrayList<>();

    /** The runtime delivery limits of a queue. */
    public Delivery delivery(String queue) {
        return delivery.getOrDefault(queue, Delivery.CONFIGURED);
    }

    /** The rate ceiling of a queue's delivery: the runtime one, else the configured one. */
    public double deliveryMaxRate(String queue, double configured) {
        return Optional.ofNullable(delivery(queue).maxRate()).orElse(configured);
    }

    /** The in-flight ceiling of a queue's delivery: the runtime one, else the configured one. */
    public int deliveryMaxInFlight(String queue, int configured) {
        return Optional.ofNullable(delivery(queue).maxInFlight()).orElse(configured);
    }

    /** Sets (or, with nulls, resets) a queue's runtime delivery limits and tells the listeners. */
    public void setDelivery(String queue, Delivery limits) {
        Delivery previous = delivery.put(queue, limits);
        if (!limits.equals(previous == null ? Delivery.CONFIGURED : previous)) {
            listeners.forEach(l -> l.accept(queue, limits));
        }
    }

    /** Calls {@code listener} with the queue and its new limits whenever they change. */
    public void onChange(BiConsumer<String, Delivery> listener) {
        listeners.add(listener);
    }
}
