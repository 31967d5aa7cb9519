package io.levee.limits;

import io.levee.LeveeException;

/**
 * A call found no permit under its {@link RateLimit}. Not the task's fault: a task handler's task goes back to its
 * queue without consuming an attempt.
 */
public class RateLimitException extends LeveeException {

    public RateLimitException(String message) {
        super(message);
    }
}
