package io.levee.delivery;

import io.levee.LeveeException;

/**
 * The downstream did not take a task this time (timeout, connection refused, 408, 429, 5xx). Not a final outcome: the task
 * is retried with backoff through the queue's retry queues.
 */
public class DownstreamUnavailableException extends LeveeException {

    public DownstreamUnavailableException(String message) {
        super(message);
    }

    public DownstreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
