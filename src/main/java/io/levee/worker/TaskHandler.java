package io.levee.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a CDI bean as the handler of one task queue. Levee consumes the queue on worker replicas and
 * calls the method once per task, through the bean's CDI proxy (so interceptors such as {@code @Bulkhead},
 * {@code @Timeout} or {@code @RateLimit} apply). The task is acknowledged only after the method returned.
 *
 * <p>Parameters, in any order: the payload as {@code String} (UTF-8), {@code byte[]} or any other type, which is
 * bound from the JSON body with Jackson (a body that does not bind is dead-lettered at once), and/or a
 * {@link TaskContext}. A definition Levee cannot run (unknown queue, two handlers for one queue, an unsupported
 * parameter, concurrency or prefetch below 1) fails deployment with a message naming the method.
 *
 * <p>The queue name may take it from configuration: {@code @TaskHandler("${orders.queue:orders}")}.
 * {@link #concurrency()} and {@link #prefetch()} are defaults: {@code levee.queues.<queue>.concurrency} and
 * {@code levee.queues.<queue>.prefetch} override them. See docs/handlers.md.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class Orders {
 *     @TaskHandler("orders")
 *     void handle(String json, TaskContext task) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TaskHandler {

    /** The queue this method handles (same as {@link #queue()}; use one of them). */
    String value() default "";

    /** The queue this method handles (same as {@link #value()}; use one of them). */
    String queue() default "";

    /** Consumer sessions, i.e. tasks handled at once on this replica; empty means the queue's configured value. */
    String concurrency() default "";

    /** Unacknowledged tasks buffered per session; {@value #QUEUE_PREFETCH} means the queue's configured value. */
    int prefetch() default QUEUE_PREFETCH;

    /**
     * Whether a repeat of a task that already succeeded is acknowledged without calling the method again: Levee
     * records each succeeded task id (in Redis at {@code levee.state.redis-uri}, shared by every replica, else in
     * this replica's memory) for {@code levee.queues.<queue>.deduplicate-ttl} (default 24h).
     * {@code levee.queues.<queue>.deduplicate} overrides it. See docs/handlers.md, "Duplicate suppression".
     */
    boolean deduplicate() default false;

    /**
     * Makes this a batch handler when above 0: the method takes a {@code List} of payloads (of {@code String},
     * {@code byte[]} or a JSON-bound type) and optionally a {@code List<TaskContext>} of the same length and order,
     * and is called with up to this many tasks, or with what arrived within {@link #batchWait()} of the first. It
     * never exceeds the prefetch: without a configured prefetch the session's prefetch is raised to this size; a
     * smaller configured one fails deployment. Returning acknowledges every task; {@link BatchFailure} fails the
     * items it names; any other exception fails the whole batch, each task on its own attempt count. See
     * docs/handlers.md, "Batch handlers".
     */
    int batchSize() default 0;

    /**
     * How long a batch handler waits after the first task of a batch for more, as a duration ({@code 200ms},
     * {@code 1s}, {@code PT0.2S}).
     */
    String batchWait() default "100ms";

    /** The {@link #prefetch()} that defers to configuration. */
    int QUEUE_PREFETCH = -1;
}
