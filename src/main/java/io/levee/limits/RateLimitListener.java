package io.levee.limits;

import java.time.Duration;
import java.util.List;

/**
 * What a rate limiter reports, so that the limiter itself never depends on a metrics library. Every method has a
 * no-op default; {@link #NONE} ignores everything. Every CDI bean implementing it is told ({@link RateLimitMetrics}
 * is one).
 */
public interface RateLimitListener {

    /** A listener that ignores everything. */
    RateLimitListener NONE = new RateLimitListener() {};

    /** One listener telling all of these, in order. */
    static RateLimitListener all(List<? extends RateLimitListener> listeners) {
        List<RateLimitListener> copy = List.copyOf(listeners);
        return new RateLimitListener() {
            @Override
            public void permitted(String limiter) {
                copy.forEach(l -> l.permitted(limiter));
            }

            @Override
            public void waited(String limiter, Duration waited) {
                copy.forEach(l -> l.waited(limiter, waited));
            }

            @Override
            public void rejected(String limiter) {
                copy.forEach(l -> l.rejected(limiter));
            }
        };
    }

    /** A call got a permit (after waiting or not). */
    default void permitted(String limiter) {}

    /** A call had to wait this long for its permit. */
    default void waited(String limiter, Duration waited) {}

    /** A call got no permit and failed with {@link RateLimitException}. */
    default void rejected(String limiter) {}
}
