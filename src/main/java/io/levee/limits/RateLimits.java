package io.levee.limits;

import java.util.List;

/** The limits of one method, each a {@link RateLimiter}: a call needs a permit of each, taken in order. */
final class RateLimits {

    private final List<RateLimiter> limiters;

    RateLimits(List<RateLimiter> limiters) {
        this.limiters = List.copyOf(limiters);
    }

    /**
     * Takes a permit of every limit, in order.
     *
     * @throws RateLimitException when a limit has none (an earlier limit's permit is used all the same)
     */
    void acquire() throws InterruptedException {
        for (RateLimiter limiter : limiters) {
            limiter.acquire();
        }
    }
}
