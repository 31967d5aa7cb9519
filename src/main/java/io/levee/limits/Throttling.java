package io.levee.limits;

import java.time.Duration;
import java.util.Optional;

/**
 * An exception that means "the downstream wants fewer requests" (HTTP 429, or an answer with {@code Retry-After}):
 * {@link AdaptivePace} cuts the rate at once and holds every request for the {@code Retry-After}. Whether it also
 * counts against the circuit is the pace's failure predicate's call.
 */
public interface Throttling {

    /** How long the downstream asked to be left alone, if it said. */
    Optional<Duration> retryAfter();
}
