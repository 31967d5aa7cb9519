package io.levee.worker.internal;

import io.levee.config.AnnotationOverrides;
import io.levee.worker.ProvidedHandler;
import io.levee.worker.QueueHandler;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.DefinitionException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * One handler as written, whichever way it was written: a {@link TaskHandler} method ({@link #of}) or a
 * {@link ProvidedHandler} of a {@link io.levee.worker.HandlerProvider} bean ({@link #provided}). Configuration may
 * override its concurrency and prefetch, see {@link HandlerRegistry}.
 *
 * @param queue       the queue it handles
 * @param source      where it came from, for messages: {@code com.acme.Orders#handle}, or a configuration key
 * @param concurrency the concurrency it asks for, if it gives one
 * @param prefetch    the prefetch it asks for, if it gives one
 * @param timeout     the method's MicroProfile {@code @Timeout}, if it has one (the task's deadline)
 * @param deduplicate whether it asks for repeats of succeeded tasks to be skipped
 * @param batch       its batch size and wait, when it is a batch handler
 * @param handler     creates the handler the consumers call, once the container runs
 */
record HandlerDefinition(
        String queue,
        String source,
        OptionalInt concurrency,
        OptionalInt prefetch,
        Optional<Duration> timeout,
        boolean deduplicate,
        Optional<Batch> batch,
        Function<BeanManager, QueueHandler> handler) {

    /** What a handler parameter receives. */
    enum ParameterKind {
        STRING_PAYLOAD,
        BYTES_PAYLOAD,
        JSON_PAYLOAD,
        CONTEXT,
        /** A batch handler's list of payloads; {@link Parameter#element()} says of which kind. */
        PAYLOADS,
        /** A batch handler's list of contexts, in the order of the payloads. */
        CONTEXTS
    }

    /**
     * One parameter.
     *
     * @param kind    what it receives
     * @param type    its generic type (for {@link ParameterKind#PAYLOADS}, the list's element type), for JSON binding
     * @param element for {@link ParameterKind#PAYLOADS}, the kind of each element; else the same as {@code kind}
     */
    record Parameter(ParameterKind kind, Type type, ParameterKind element) {
        Parameter(ParameterKind kind, Type type) {
            this(kind, type, kind);
        }
    }

    /**
     * A batch handler's batching.
     *
     * @param size   at most this many tasks per call
     * @param window how long to wait for more after the first task of a batch arrived
     */
    record Batch(int size, Duration window) {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

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
        Optional<Batch> batch = batch(where, annotation);
        List<Parameter> parameters = new ArrayList<>();
        boolean payload = false;
        Type[] generic = method.getGenericParameterTypes();
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            Parameter parameter = batch.isPresent()
                    ? batchParameter(where, types[i], generic[i])
                    : new Parameter(kind(where, types[i]), generic[i]);
            ParameterKind kind = parameter.kind();
            if (kind != ParameterKind.CONTEXT && kind != ParameterKind.CONTEXTS) {
                if (payload) {
                    throw new DefinitionException("@TaskHandler method " + where + " takes the payload twice");
                }
                payload = true;
            }
            parameters.add(parameter);
        }
        if (batch.isPresent() && !payload) {
            throw new DefinitionException("@TaskHandler method " + where + " has batchSize = "
                    + batch.get().size()
                    + " but takes no List of payloads; a batch handler takes List<String>, List<byte[]> or a List of"
                    + " a JSON-bound type, and optionally List<TaskContext>");
        }
        Optional<Duration> timeout;
        try {
            timeout = timeout(method, config);
        } catch (IllegalArgumentException e) {
            throw new DefinitionException(e.getMessage(), e);
        }
        List<Parameter> bound = List.copyOf(parameters);
        return new HandlerDefinition(
                name,
                where,
                concurrency(where, annotation.concurrency()),
                prefetch(where, annotation.prefetch()),
                timeout,
                annotation.deduplicate(),
                batch,
                beans -> new MethodHandler(bean, method, bound, beans));
    }

    /**
     * A provider's handler. Its concurrency for the built-in delivery is the downstream's {@code max-in-flight} (at
     * most 256): a session waits for its pace permit and then for the answer, so fewer sessions than requests
     * allowed in flight would cap the rate below {@code max-rate}.
     */
    static HandlerDefinition provided(ProvidedHandler provided) {
        OptionalInt concurrency = provided.concurrency().isPresent()
                ? OptionalInt.of(Math.max(1, Math.min(provided.concurrency().getAsInt(), 256)))
                : OptionalInt.empty();
        return new HandlerDefinition(
                provided.queue(),
                provided.source(),
                concurrency,
                OptionalInt.empty(),
                Optional.empty(),
                false,
                Optional.empty(),
                beans -> provided.handler());
    }

    /**
     * The handler's MicroProfile Fault Tolerance timeout with the overrides MP FT applies
     * ({@code <class>/<method>/Timeout/value}, {@code <class>/Timeout/value}, {@code Timeout/value}, and
     * {@code .../unit}).
     */
    static Optional<Duration> timeout(Method method, Config config) {
        Timeout onMethod = method.getAnnotation(Timeout.class);
        Timeout annotation =
                onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(Timeout.class);
        if (annotation == null) {
            return Optional.empty();
        }
        AnnotationOverrides overrides = AnnotationOverrides.of(config, method, Timeout.class, onMethod == null);
        String value = overrides.raw("value").orElse(Long.toString(annotation.value()));
        String unit = overrides.raw("unit").orElse(annotation.unit().name());
        try {
            return Optional.of(Duration.of(Long.parseLong(value), ChronoUnit.valueOf(unit.toUpperCase(Locale.ROOT))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "@Timeout of " + source(method) + " is not a valid duration: value '" + value + "', unit '" + unit
                            + "'",
                    e);
        }
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

    private static Optional<Batch> batch(String where, TaskHandler annotation) {
        int size = annotation.batchSize();
        if (size == 0) {
            return Optional.empty();
        }
        if (size < 0 || size > 10_000) {
            throw new DefinitionException("@TaskHandler on " + where + " has batchSize = " + size
                    + "; allowed: 0 (not a batch handler) or a whole number from 1 to 10000");
        }
        String raw = annotation.batchWait();
        Duration wait;
        try {
            wait = io.levee.config.Durations.parse(raw);
        } catch (ArithmeticException | NumberFormatException e) {
            wait = null;
        }
        if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new DefinitionException("@TaskHandler on " + where + " has batchWait = \"" + raw
                    + "\"; allowed: a duration from 0 to 1m such as 200ms, 1s or PT0.2S");
        }
        return Optional.of(new Batch(size, wait));
    }

    /** A parameter of a batch handler: a List of payloads or of contexts. */
    private static Parameter batchParameter(String where, Class<?> type, Type generic) {
        Type element = type == List.class && generic instanceof java.lang.reflect.ParameterizedType p
                ? p.getActualTypeArguments()[0]
                : null;
        Class<?> raw = element instanceof Class<?> c
                ? c
                : element instanceof java.lang.reflect.ParameterizedType p && p.getRawType() instanceof Class<?> c
                        ? c
                        : null;
        if (raw == null) {
            throw new DefinitionException("@TaskHandler method " + where + " is a batch handler and has a parameter of"
                    + " type " + generic.getTypeName() + "; supported: List<String>, List<byte[]>, a List of a class"
                    + " or record bound from the JSON body, and List<TaskContext>");
        }
        if (raw == TaskContext.class) {
            return new Parameter(ParameterKind.CONTEXTS, element, ParameterKind.CONTEXT);
        }
        return new Parameter(ParameterKind.PAYLOADS, element, kind(where, raw));
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
