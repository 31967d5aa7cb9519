package io.levee.worker.internal;

import io.levee.LeveeException;

/** A task body that does not bind to the handler's parameter type; it goes to the dead-letter queue at once. */
final class UnreadablePayloadException extends LeveeException {

    UnreadablePayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
