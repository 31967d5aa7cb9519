package io.levee.worker.internal;

import io.levee.messaging.TaskEnvelope;
import io.levee.worker.TaskContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@link TaskContext} of one delivery. */
record DeliveredTask(
        TaskEnvelope envelope, Map<String, String> headers, Optional<Instant> deadline, boolean redelivered)
        implements TaskContext {

    DeliveredTask {
        Map<String, String> effective = new HashMap<>(headers);
        envelope.headers().forEach((name, value) -> effective.put(name, String.valueOf(value)));
        headers = Map.copyOf(effective);
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
    public String traceparent() {
        return envelope.traceparent();
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
