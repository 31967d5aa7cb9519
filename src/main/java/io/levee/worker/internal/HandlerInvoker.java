package io.levee.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.worker.QueueHandler;
import java.nio.charset.StandardCharsets;

/** Runs a queue's handler for one delivered task, whichever way the handler was written. */
final class HandlerInvoker {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final QueueHandler handler;

    HandlerInvoker(QueueHandler handler) {
        this.handler = handler;
    }

    /**
     * Invokes the handler.
     *
     * @return what a {@code @TaskHandler} method returned, as JSON (kept with the task's status), or null when it
     *     returned nothing
     * @throws UnreadablePayloadException when the body does not bind to the handler's JSON parameter
     * @throws Exception                  whatever the handler (or an interceptor around it) threw
     */
    byte[] invoke(DeliveredTask task) throws Exception {
        if (handler instanceof MethodHandler method) {
            Object result = method.call(task.envelope().body(), task);
            return result == null ? null : resultJson(result);
        }
        handler.handle(task.envelope().body(), task);
        return null;
    }

    /** A result that does not serialize is not the task's failure: the status says so instead. */
    private static byte[] resultJson(Object result) {
        try {
            return JSON.writeValueAsBytes(result);
        } catch (JsonProcessingException e) {
            return ("{\"unserializableResult\":\"" + result.getClass().getName() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
