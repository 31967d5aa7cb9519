package io.levee.messaging;

import io.levee.LeveeException;

/** A received message that is not a Levee task (missing id, non-numeric header). It goes to the dead-letter queue. */
public final class MalformedTaskException extends LeveeException {

    public MalformedTaskException(String message) {
        super(message);
    }
}
