package io.levee.worker.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.DefinitionException;

/**
 * One handler as found at deployment: which queue, which bean and method, and what each parameter receives.
 *
 * @param queue      the queue it handles
 * @param bean       the CDI bean that declares the method
 * @param method     the handler method, invoked through the bean's contextual reference
 * @param parameters what to pass for each parameter, in order
 */
record HandlerDefinition(String queue, Bean<?> bean, Method method, List<ParameterKind> parameters) {

    /** What a handler parameter receives. */
    enum ParameterKind { STRING_PAYLOAD, BYTES_PAYLOAD, CONTEXT }

    HandlerDefinition {
        parameters = List.copyOf(parameters);
    }

    /** Where the definition came from, for messages: {@code com.acme.Orders#handle}. */
    String source() {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }

    /**
     * Reads a definition from an annotated method.
     *
     * @throws DefinitionException naming the method, when Levee cannot call it
     */
    static HandlerDefinition of(Bean<?> bean, Method method, TaskHandler annotation) {
        String where = method.getDeclaringClass().getName() + "#" + method.getName();
        String value = annotation.value().trim();
        String queue = annotation.queue().trim();
        if (value.isEmpty() == queue.isEmpty() && !value.equals(queue)) {
            throw new DefinitionException("@TaskHandler on " + where + " names the queue twice ('" + value + "' and '"
                    + queue + "'); use value or queue, not both");
        }
        String name = value.isEmpty() ? queue : value;
        if (name.isEmpty()) {
            throw new DefinitionException("@TaskHandler on " + where + " names no queue");
        }
        if (Modifier.isStatic(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
            throw new DefinitionException("@TaskHandler method " + where + " must be neither static nor private");
        }
        List<ParameterKind> kinds = new ArrayList<>();
        boolean payload = false;
        for (Class<?> type : method.getParameterTypes()) {
            ParameterKind kind;
            if (type == String.class) {
                kind = ParameterKind.STRING_PAYLOAD;
            } else if (type == byte[].class) {
                kind = ParameterKind.BYTES_PAYLOAD;
            } else if (type == TaskContext.class) {
                kind = ParameterKind.CONTEXT;
            } else {
                throw new DefinitionException("@TaskHandler method " + where + " has a parameter of type "
                        + type.getName() + "; supported: String, byte[], TaskContext");
            }
            if (kind != ParameterKind.CONTEXT) {
                if (payload) {
                    throw new DefinitionException("@TaskHandler method " + where + " takes the payload twice");
                }
                payload = true;
            }
            kinds.add(kind);
        }
        return new HandlerDefinition(name, bean, method, kinds);
    }
}
