package io.levee.delivery;

import io.levee.limits.Throttling;
import java.time.Duration;
import java.util.Optional;

/**
 * The downstream asked for fewer requests: it answered 429, or 408/5xx with a {@code Retry-After}. The task is
 * retried like any other transient failure; the pace is cut at once and holds for the {@code Retry-After}. A 429 does
 * not count against the circuit (the downstream is overloaded, not broken); a 5xx does.
 */
public final class DownstreamThrottledException extends DownstreamUnavailableException implements Throttling {

    private final int status;
    private final transient Optional<Duration> retryAfter;

    public DownstreamThrottledException(String message, int status, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status the downstream answered. */
    public int status() {
        return status;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
