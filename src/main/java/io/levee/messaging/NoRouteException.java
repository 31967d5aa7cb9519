package io.levee.messaging;

import io.levee.LeveeException;

/** A copy published {@code mandatory} reached no queue: its queue does not exist (deleted by an operator). */
public final class NoRouteException extends LeveeException {

    public NoRouteException(String message) {
        super(message);
    }
}
