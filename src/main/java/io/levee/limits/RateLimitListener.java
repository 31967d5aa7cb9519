package io.levee.limits;

import java.time.Duration;

/**
 * What a rate limiter reports, so that the limiter itself never depends on a metrics library. Every method has a
 * no-op default; {@link #NONE} ignores everything.
 */
public interface RateLimitListener {

    /** A listener that ignores everything. */
    RateLimitListener NONE = new RateLimitListener() {
    };

    /** A call got a permit (after waiting or not). */
    default void permitted(String limiter) {
    }

    /** A call had to wait this long for its permit. */
    default void waited(String limiter, Duration waited) {
    }

    /** A call got no permit and failed with {@link RateLimitException}. */
    default void rejected(String limiter) {
    }
}
