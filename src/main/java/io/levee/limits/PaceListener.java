package io.levee.limits;

import java.util.List;

/**
 * What adaptive pacing reports, so that the pacer never depends on a metrics library. Every method has a no-op
 * default; every CDI bean implementing it is told ({@link PaceMetrics} is one).
 */
public interface PaceListener {

    /** A listener that ignores everything. */
    PaceListener NONE = new PaceListener() {};

    /** One listener telling all of these, in order. */
    static PaceListener all(List<? extends PaceListener> listeners) {
        List<PaceListener> copy = List.copyOf(listeners);
        return new PaceListener() {
            @Override
            public void registered(String queue, AdaptivePace pace) {
                copy.forEach(l -> l.registered(queue, pace));
            }

            @Override
            public void cut(String queue, double rate) {
                copy.forEach(l -> l.cut(queue, rate));
            }

            @Override
            public void circuitOpened(String queue) {
                copy.forEach(l -> l.circuitOpened(queue));
            }
        };
    }

    /** A queue's delivery is paced by {@code pace} from now on. */
    default void registered(String queue, AdaptivePace pace) {}

    /** The rate was cut, to {@code rate} requests/s. */
    default void cut(String queue, double rate) {}

    /** The circuit opened. */
    default void circuitOpened(String queue) {}
}
