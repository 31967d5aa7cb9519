package io.levee.delivery;

import io.levee.worker.PermanentTaskFailure;

/** The downstream refused a task for good (a 4xx other than 408 and 429): it goes to the dead-letter queue. */
public final class DownstreamRejectedException extends PermanentTaskFailure {

    public DownstreamRejectedException(String message) {
        super(message);
    }
}
