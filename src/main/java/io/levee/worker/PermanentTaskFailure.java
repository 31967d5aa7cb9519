package io.levee.worker;

import io.levee.LeveeException;

/**
 * Thrown by a handler for a task that can never succeed (invalid content, a business rule). The task goes straight
 * to the queue's dead-letter queue without further attempts.
 */
public class PermanentTaskFailure extends LeveeException {

    public PermanentTaskFailure(String message) {
        super(message);
    }

    public PermanentTaskFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
