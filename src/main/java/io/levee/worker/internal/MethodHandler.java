package io.levee.worker.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.worker.QueueHandler;
import io.levee.worker.TaskContext;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@code @TaskHandler} method as a {@link QueueHandler}: binds the arguments and calls the method through its
 * bean's contextual reference, so the bean's interceptors apply.
 */
final class MethodHandler implements QueueHandler {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Method method;
    private final List<HandlerDefinition.Parameter> parameters;
    private final Object reference;
    private final JavaType[] jsonTypes;

    MethodHandler(Bean<?> bean, Method method, List<HandlerDefinition.Parameter> parameters, BeanManager beans) {
        this.method = method;
        this.parameters = List.copyOf(parameters);
        this.reference = beans.getReference(bean, bean.getBeanClass(), beans.createCreationalContext(bean));
        this.jsonTypes = parameters.stream()
                .map(p -> p.kind() == HandlerDefinition.ParameterKind.JSON_PAYLOAD
                        ? JSON.getTypeFactory().constructType(p.type())
                        : null)
                .toArray(JavaType[]::new);
        method.setAccessible(true);
    }

    /**
     * Binds the arguments and invokes the method.
     *
     * @throws UnreadablePayloadException when the body does not bind to the method's JSON parameter
     * @throws Exception                  whatever the method (or an interceptor around it) threw
     */
    @Override
    public void handle(byte[] payload, TaskContext task) throws Exception {
        Object[] args = new Object[jsonTypes.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (parameters.get(i).kind()) {
                case STRING_PAYLOAD -> new String(payload, StandardCharsets.UTF_8);
                case BYTES_PAYLOAD -> payload.clone();
                case JSON_PAYLOAD -> bind(payload, task, jsonTypes[i]);
                case CONTEXT -> task;
            };
        }
        try {
            method.invoke(reference, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static Object bind(byte[] payload, TaskContext task, JavaType type) {
        try {
            return JSON.readValue(payload, type);
        } catch (IOException e) {
            throw new UnreadablePayloadException(
                    "task " + task.taskId() + " does not bind to " + type + ": "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }
}
