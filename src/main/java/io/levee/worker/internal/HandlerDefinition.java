package io.levee.worker.internal;

import io.levee.config.DeliverySettings;
import io.levee.delivery.HttpDelivery;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.DefinitionException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * One handler as written: which queue, which bean and method, what each parameter receives, and the concurrency and
 * prefetch its annotation asks for (configuration may override them, see {@link HandlerRegistry}). A queue with a
 * {@code delivery.url} gets a definition too, for {@link HttpDelivery#deliver}, built by {@link #delivery}.
 *
 * @param queue       the queue it handles
 * @param bean        the CDI bean that declares the method
 * @param method      the handler method, invoked through the bean's contextual reference
 * @param parameters  what to pass for each parameter, in order
 * @param concurrency the annotation's concurrency, if it gives one; for a delivery, its {@code max-in-flight}
 * @param prefetch    the annotation's prefetch, if it gives one
 */
record HandlerDefinition(
        String queue,
        Bean<?> bean,
        Method method,
        List<Parameter> parameters,
        OptionalInt concurrency,
        OptionalInt prefetch) {

    /** What a handler parameter receives. */
    enum ParameterKind {
        STRING_PAYLOAD,
        BYTES_PAYLOAD,
        JSON_PAYLOAD,
        CONTEXT
    }

    /**
     * One parameter.
     *
     * @param kind what it receives
     * @param type its generic type, for JSON binding
     */
    record Parameter(ParameterKind kind, Type type) {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    HandlerDefinition {
        parameters = List.copyOf(parameters);
    }

    /**
     * Where the definition came from, for messages: {@code com.acme.Orders#handle}, or the configuration key that
     * asked for the built-in delivery.
     */
    String source() {
        return bean.getBeanClass() == HttpDelivery.class ? "levee.queues." + queue + ".delivery.url" : source(method);
    }

    static String source(Method method) {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }

    /**
     * Reads a definition from an annotated method.
     *
     * @throws DefinitionException naming the method, when Levee cannot call it
     */
    static HandlerDefinition of(Bean<?> bean, Method method, TaskHandler annotation, Config config) {
        String where = source(method);
        String value = annotation.value().trim();
        String queue = annotation.queue().trim();
        if (!value.isEmpty() && !queue.isEmpty() && !value.equals(queue)) {
            throw new DefinitionException("@TaskHandler on " + where + " names the queue twice ('" + value + "' and '"
                    + queue + "'); use value or queue, not both");
        }
        String name = resolve(where, value.isEmpty() ? queue : value, config);
        if (name.isEmpty()) {
            throw new DefinitionException("@TaskHandler on " + where + " names no queue");
        }
        if (Modifier.isStatic(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
            throw new DefinitionException("@TaskHandler method " + where + " must be neither static nor private");
        }
        List<Parameter> parameters = new ArrayList<>();
        boolean payload = false;
        Type[] generic = method.getGenericParameterTypes();
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            ParameterKind kind = kind(where, types[i]);
            if (kind != ParameterKind.CONTEXT) {
                if (payload) {
                    throw new DefinitionException("@TaskHandler method " + where + " takes the payload twice");
                }
                payload = true;
            }
            parameters.add(new Parameter(kind, generic[i]));
        }
        return new HandlerDefinition(
                name,
                bean,
                method,
                parameters,
                concurrency(where, annotation.concurrency()),
                prefetch(where, annotation.prefetch()));
    }

    /**
     * The built-in HTTP delivery of one queue, run like a handler {@code deliver(byte[] payload, TaskContext task)}.
     * Its concurrency, unless {@code levee.queues.<q>.concurrency} says otherwise, is the downstream's
     * {@code max-in-flight} (at most 256): a session waits for its pace permit and then for the answer, so fewer
     * sessions than requests allowed in flight would cap the rate below {@code max-rate}.
     *
     * @param bean the {@link HttpDelivery} bean
     */
    static HandlerDefinition delivery(Bean<?> bean, String queue, DeliverySettings settings) {
        Method deliver;
        try {
            deliver = HttpDelivery.class.getMethod("deliver", byte[].class, TaskContext.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("HttpDelivery#deliver(byte[], TaskContext) is gone", e);
        }
        return new HandlerDefinition(
                queue,
                bean,
                deliver,
                List.of(
                        new Parameter(ParameterKind.BYTES_PAYLOAD, byte[].class),
                        new Parameter(ParameterKind.CONTEXT, TaskContext.class)),
                OptionalInt.of(Math.min(settings.maxInFlight(), 256)),
                OptionalInt.empty());
    }

    /** Resolves {@code ${key}} and {@code ${key:default}} in a queue name from configuration. */
    private static String resolve(String where, String name, Config config) {
        Matcher m = PLACEHOLDER.matcher(name);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = config.getOptionalValue(m.group(1), String.class).orElse(m.group(2));
            if (value == null) {
                throw new DefinitionException("@TaskHandler on " + where + " names the queue '" + name + "', but "
                        + m.group(1) + " is not configured and has no default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.trim()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static ParameterKind kind(String where, Class<?> type) {
        if (type == String.class) {
            return ParameterKind.STRING_PAYLOAD;
        }
        if (type == byte[].class) {
            return ParameterKind.BYTES_PAYLOAD;
        }
        if (type == TaskContext.class) {
            return ParameterKind.CONTEXT;
        }
        // A primitive or another array cannot be a JSON document's binding target in a useful way, and Object
        // would hide a mistake; everything else is handed to Jackson.
        if (type.isPrimitive() || type.isArray() || type == Object.class) {
            throw new DefinitionException("@TaskHandler method " + where + " has a parameter of type "
                    + type.getTypeName() + "; supported: String, byte[], TaskContext, or a class or record bound from"
                    + " the JSON body");
        }
        return ParameterKind.JSON_PAYLOAD;
    }

    private static OptionalInt concurrency(String where, String raw) {
        if (raw.isBlank()) {
            return OptionalInt.empty();
        }
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new DefinitionException("@TaskHandler on " + where + " has concurrency = \"" + raw
                    + "\"; allowed: a whole number from 1 to 256");
        }
        if (n < 1 || n > 256) {
            throw new DefinitionException("@TaskHandler on " + where + " has concurrency = \"" + raw
                    + "\"; allowed: a whole number from 1 to 256");
        }
        return OptionalInt.of(n);
    }

    private static OptionalInt prefetch(String where, int prefetch) {
        if (prefetch == TaskHandler.QUEUE_PREFETCH) {
            return OptionalInt.empty();
        }
        if (prefetch < 1 || prefetch > 10_000) {
            throw new DefinitionException("@TaskHandler on " + where + " has prefetch = " + prefetch
                    + "; allowed: a whole number from 1 to 10000");
        }
        return OptionalInt.of(prefetch);
    }
}
