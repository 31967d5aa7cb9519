package io.levee.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler may know about the task it is handling, besides its payload. For a task that another producer (a
 * JMS application, a plain AMQP client) wrote, docs/interop.md says where each of its fields comes from.
 */
public interface TaskContext {

    /**
     * The task id; stable across attempts and redeliveries, so handlers can deduplicate. When the producer wrote no
     * {@code levee-task-id}, {@code headers().get("levee-id-source")} says where it came from.
     */
    String taskId();

    /** The queue the task came from. */
    String queue();

    /** 1-based attempt number. */
    int attempt();

    /**
     * Whether the broker delivered this very message before (AMQP {@code redelivered}, or an {@code x-delivery-count}
     * above 0): a consumer that took it earlier did not acknowledge it, so it may have been handled, fully or in
     * part. A retry after a failure is a new attempt ({@link #attempt()}), not a redelivery.
     */
    default boolean redelivered() {
        return false;
    }

    /** Request id of the HTTP request that submitted the task, or null. */
    String requestId();

    /**
     * The W3C trace context to pass on to what the handler calls: the submitting request's or, with tracing on
     * ({@code levee.tracing.otlp-endpoint}), the span of this handling attempt; null when the producer sent none.
     */
    String traceparent();

    /**
     * The identity that submitted the task ({@code key:<name>} or {@code jwt:<principal>}, header
     * {@code levee-submitted-by}), or null when authentication was off or another producer sent it.
     */
    default String submittedBy() {
        return headers().get("levee-submitted-by");
    }

    /**
     * When the task was accepted: {@code levee-submitted-at}, else the JMS {@code JMSTimestamp}, else the AMQP
     * {@code timestamp}; epoch 0 when the producer did not say.
     */
    Instant submittedAt();

    /** The producer's correlation id (AMQP {@code correlation_id}, else JMS {@code JMSCorrelationID}), or null. */
    default String correlationId() {
        return null;
    }

    /** The producer's message type (AMQP {@code type}, else JMS {@code JMSType}), or null. */
    default String type() {
        return null;
    }

    /**
     * All headers of the message as received (a JMS producer's properties among them), values as strings, overlaid
     * with the task's Levee headers as Levee reads them: {@code levee-queue} is the queue the task was consumed from,
     * and {@code levee-id-source} is present when Levee chose the id.
     */
    Map<String, String> headers();

    /**
     * When this invocation has to be done, if anything bounds it: the earlier of the task's own deadline (submitted
     * with {@code Levee-Deadline} or {@code Levee-Ttl}, or the queue's {@code task-ttl}) and the handler's
     * {@code @Timeout}.
     */
    Optional<Instant> deadline();

    /**
     * The time left until {@link #deadline()}, never negative; empty when nothing bounds the invocation. A task is
     * never handled once its own deadline passed (it is dead-lettered as {@code expired} instead), so the remaining
     * time is positive when the handler starts.
     */
    default Optional<Duration> remaining() {
        return deadline().map(d -> {
            Duration left = Duration.between(Instant.now(), d);
            return left.isNegative() ? Duration.ZERO : left;
        });
    }
}
