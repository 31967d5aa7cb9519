package io.levee.messaging;

import io.levee.LeveeException;

/** The broker refused the task because its queue is at its maximum length. Answered 429 with a Retry-After. */
public final class QueueFullException extends LeveeException {

    private final String queue;

    public QueueFullException(String queue) {
        super("queue '" + queue + "' is full; retry later");
        this.queue = queue;
    }

    /** The full queue. */
    public String queue() {
        return queue;
    }
}
