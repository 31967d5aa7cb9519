package io.levee.worker.internal;

import io.levee.messaging.TaskEnvelope;
import io.levee.worker.TaskContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link TaskContext} of one delivery.
 *
 * @param traceparent the trace context the handler passes on: the submission's, or the handling span's when traced
 */
record DeliveredTask(
        TaskEnvelope envelope,
        Map<String, String> headers,
        Optional<Instant> deadline,
        boolean redelivered,
        String traceparent)
        implements TaskContext {

    DeliveredTask {
        Map<String, String> effective = new HashMap<>(headers);
        envelope.headers().forEach((name, value) -> effective.put(name, String.valueOf(value)));
        headers = Map.copyOf(effective);
    }

    DeliveredTask(TaskEnvelope envelope, Map<String, String> headers, Optional<Instant> deadline, boolean redelivered) {
        this(envelope, headers, deadline, redelivered, envelope.traceparent());
    }

    /** The same task with another trace context to pass on. */
    DeliveredTask withTraceparent(String passedOn) {
        return new DeliveredTask(envelope, headers, deadline, redelivered, passedOn);
    }

    @Override
    public String taskId() {
        return envelope.id();
    }

    @Override
    public String queue() {
        return envelope.queue();
    }

    @Override
    public int attempt() {
        return envelope.attempt();
    }

    @Override
    public String requestId() {
        return envelope.requestId();
    }

    @Override
    public Instant submittedAt() {
        return Instant.ofEpochMilli(envelope.submittedAt());
    }

    @Override
    public String correlationId() {
        return envelope.correlationId();
    }

    @Override
    public String type() {
        return envelope.type();
    }
}
