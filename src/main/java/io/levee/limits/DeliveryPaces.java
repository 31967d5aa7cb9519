package io.levee.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link AdaptivePace} of every queue this replica delivers, so that the queue API and the metrics can show the
 * current rate, circuit and budget.
 */
@ApplicationScoped
public class DeliveryPaces {

    private final Map<String, AdaptivePace> paces = new ConcurrentHashMap<>();
    private final PaceListener listener;

    /** For CDI's proxy. */
    DeliveryPaces() {
        this.listener = PaceListener.NONE;
    }

    @Inject
    DeliveryPaces(@Any Instance<PaceListener> listeners) {
        this.listener = PaceListener.all(listeners.stream().toList());
    }

    /** What every pace reports to. */
    public PaceListener listener() {
        return listener;
    }

    /** Makes {@code pace} the one of {@code queue}. */
    public void register(String queue, AdaptivePace pace) {
        paces.put(queue, pace);
        listener.registered(queue, pace);
    }

    /** The state of every queue this replica delivers. */
    public Map<String, AdaptivePace.State> states() {
        Map<String, AdaptivePace.State> states = new java.util.TreeMap<>();
        paces.forEach((queue, pace) -> states.put(queue, pace.state()));
        return states;
    }

    /** The state of a queue's delivery on this replica, if this replica delivers it. */
    public Optional<AdaptivePace.State> state(String queue) {
        return Optional.ofNullable(paces.get(queue)).map(AdaptivePace::state);
    }
}
