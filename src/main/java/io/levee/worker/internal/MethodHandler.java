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
                .map(p -> p.element() == HandlerDefinition.ParameterKind.JSON_PAYLOAD
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
        call(payload, task);
    }

    /** As {@link #handle}, answering what the method returned (null for a void method). */
    Object call(byte[] payload, TaskContext task) throws Exception {
        Object[] args = new Object[jsonTypes.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (parameters.get(i).kind()) {
                case CONTEXT -> task;
                case PAYLOADS, CONTEXTS -> throw new IllegalStateException("a batch handler is called with a batch");
                default -> payload(i, payload, task);
            };
        }
        return invoke(args);
    }

    /**
     * Binds each task's payload as the batch method's payload parameter takes it: the bound value, or the
     * {@link UnreadablePayloadException} of a task whose body does not bind.
     */
    List<Object> bindBatch(List<? extends TaskContext> tasks, List<byte[]> payloads) {
        int index = payloadIndex();
        List<Object> bound = new java.util.ArrayList<>(tasks.size());
        for (int t = 0; t < tasks.size(); t++) {
            try {
                bound.add(payload(index, payloads.get(t), tasks.get(t)));
            } catch (UnreadablePayloadException e) {
                bound.add(e);
            }
        }
        return bound;
    }

    /**
     * Calls a batch method with bound payloads and their contexts, in the same order.
     *
     * @throws Exception whatever the method (or an interceptor around it) threw
     */
    Object callBatch(List<Object> payloads, List<TaskContext> tasks) throws Exception {
        Object[] args = new Object[parameters.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = parameters.get(i).kind() == HandlerDefinition.ParameterKind.CONTEXTS
                    ? List.copyOf(tasks)
                    : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(payloads));
        }
        return io.levee.limits.BatchCalls.call(method, payloads.size(), () -> invoke(args));
    }

    private int payloadIndex() {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).kind() == HandlerDefinition.ParameterKind.PAYLOADS) {
                return i;
            }
        }
        throw new IllegalStateException(method + " takes no payloads");
    }

    private Object payload(int i, byte[] payload, TaskContext task) {
        return switch (parameters.get(i).element()) {
            case STRING_PAYLOAD -> new String(payload, StandardCharsets.UTF_8);
            case BYTES_PAYLOAD -> payload.clone();
            case JSON_PAYLOAD -> bind(payload, task, jsonTypes[i]);
            default -> throw new IllegalStateException("parameter " + i + " of " + method + " is not a payload");
        };
    }

    private Object invoke(Object[] args) throws Exception {
        try {
            return method.invoke(reference, args);
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
