package io.levee.messaging;

import io.levee.LeveeException;

/** The broker could not be reached, or did not confirm in time. Answered 503 with a Retry-After. */
public final class BrokerUnavailableException extends LeveeException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
