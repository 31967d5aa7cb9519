package io.levee.worker.internal;

import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.inject.spi.BeanManager;

/** Calls one handler method through its bean's contextual reference, so the bean's interceptors apply. */
final class HandlerInvoker {

    private final HandlerDefinition definition;
    private final Object reference;

    HandlerInvoker(HandlerDefinition definition, BeanManager beans) {
        this.definition = definition;
        this.reference = beans.getReference(definition.bean(), definition.bean().getBeanClass(),
                beans.createCreationalContext(definition.bean()));
    }

    /**
     * Invokes the handler.
     *
     * @throws Throwable whatever the handler (or an interceptor around it) threw
     */
    void invoke(DeliveredTask task) throws Throwable {
        Object[] args = new Object[definition.parameters().size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (definition.parameters().get(i)) {
                case STRING_PAYLOAD -> new String(task.envelope().body(), StandardCharsets.UTF_8);
                case BYTES_PAYLOAD -> task.envelope().body().clone();
                case CONTEXT -> task;
            };
        }
        try {
            definition.method().setAccessible(true);
            definition.method().invoke(reference, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
