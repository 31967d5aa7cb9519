package io.levee.worker.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.inject.spi.BeanManager;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;

/** Calls one handler method through its bean's contextual reference, so the bean's interceptors apply. */
final class HandlerInvoker {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final HandlerDefinition definition;
    private final Object reference;
    private final JavaType[] jsonTypes;

    HandlerInvoker(HandlerDefinition definition, BeanManager beans) {
        this.definition = definition;
        this.reference = beans.getReference(
                definition.bean(), definition.bean().getBeanClass(), beans.createCreationalContext(definition.bean()));
        this.jsonTypes = definition.parameters().stream()
                .map(p -> p.kind() == HandlerDefinition.ParameterKind.JSON_PAYLOAD
                        ? JSON.getTypeFactory().constructType(p.type())
                        : null)
                .toArray(JavaType[]::new);
        definition.method().setAccessible(true);
    }

    /**
     * Binds the arguments and invokes the handler.
     *
     * @return what the handler returned, as JSON (kept with the task's status), or null when it returned nothing
     * @throws UnreadablePayloadException when the body does not bind to the handler's JSON parameter
     * @throws Throwable                  whatever the handler (or an interceptor around it) threw
     */
    byte[] invoke(DeliveredTask task) throws Throwable {
        Object[] args = new Object[jsonTypes.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (definition.parameters().get(i).kind()) {
                case STRING_PAYLOAD -> new String(task.envelope().body(), StandardCharsets.UTF_8);
                case BYTES_PAYLOAD -> task.envelope().body().clone();
                case JSON_PAYLOAD -> bind(task, jsonTypes[i]);
                case CONTEXT -> task;
            };
        }
        Object result;
        try {
            result = definition.method().invoke(reference, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result == null ? null : resultJson(result);
    }

    /** A result that does not serialize is not the task's failure: the status says so instead. */
    private static byte[] resultJson(Object result) {
        try {
            return JSON.writeValueAsBytes(result);
        } catch (IOException e) {
            return ("{\"unserializableResult\":\"" + result.getClass().getName() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Object bind(DeliveredTask task, JavaType type) {
        try {
            return JSON.readValue(task.envelope().body(), type);
        } catch (IOException e) {
            throw new UnreadablePayloadException(
                    "task " + task.taskId() + " does not bind to " + type + ": "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }
}
