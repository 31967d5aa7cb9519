package io.levee.worker.internal;

import io.levee.worker.QueueHandler;

/** Runs a queue's handler for one delivered task, whichever way the handler was written. */
final class HandlerInvoker {

    private final QueueHandler handler;

    HandlerInvoker(QueueHandler handler) {
        this.handler = handler;
    }

    /**
     * Invokes the handler.
     *
     * @throws UnreadablePayloadException when the body does not bind to the handler's JSON parameter
     * @throws Exception                  whatever the handler (or an interceptor around it) threw
     */
    void invoke(DeliveredTask task) throws Exception {
        handler.handle(task.envelope().body(), task);
    }
}
