package io.levee.messaging;

import io.levee.LeveeException;

/** A parking queue holds more tasks than a listing or a replay by id reads ({@link ParkedTasks#MAX_SCAN}). */
public final class TooManyParkedException extends LeveeException {

    TooManyParkedException(String queue, long depth) {
        super(queue + " holds " + depth + " tasks, more than the " + ParkedTasks.MAX_SCAN
                + " a listing or a replay by id reads; replay by limit or purge it");
    }
}
