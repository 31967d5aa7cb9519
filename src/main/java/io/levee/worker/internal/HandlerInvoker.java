package io.levee.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.worker.QueueHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** Whether the handler is a batch handler; only a {@code @TaskHandler} method can be one. */
    boolean batch() {
        return handler instanceof MethodHandler;
    }

    /**
     * Binds the payloads of a batch: per task, the bound value or the {@link UnreadablePayloadException} of a body
     * that does not bind.
     */
    List<Object> bindBatch(List<DeliveredTask> tasks) {
        return ((MethodHandler) handler)
                .bindBatch(tasks, tasks.stream().map(t -> t.envelope().body()).toList());
    }

    /**
     * Invokes a batch handler once for the bound payloads of these tasks.
     *
     * @throws Exception whatever the handler (or an interceptor around it) threw, a
     *     {@link io.levee.worker.BatchFailure} among them
     */
    void invokeBatch(List<Object> payloads, List<DeliveredTask> tasks) throws Exception {
        ((MethodHandler) handler).callBatch(payloads, List.copyOf(tasks));
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
