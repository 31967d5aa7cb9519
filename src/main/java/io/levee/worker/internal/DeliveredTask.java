package io.levee.worker.internal;

import io.levee.messaging.TaskEnvelope;
import io.levee.worker.TaskContext;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The {@link TaskContext} of one delivery. */
record DeliveredTask(TaskEnvelope envelope, Map<String, String> headers, Optional<Instant> deadline)
        implements TaskContext {

    DeliveredTask {
        headers = Map.copyOf(headers);
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
}
