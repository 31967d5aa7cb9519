package io.levee.worker;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a handler may know about the task it is handling, besides its payload. */
public interface TaskContext {

    /** The task id; stable across attempts, so handlers can deduplicate. */
    String taskId();

    /** The queue the task came from. */
    String queue();

    /** 1-based attempt number. */
    int attempt();

    /** Request id of the HTTP request that submitted the task, or null. */
    String requestId();

    /** W3C trace context of the submitting request, or null. */
    String traceparent();

    /** When the gateway accepted the task (epoch 0 when the producer did not say). */
    Instant submittedAt();

    /** All headers of the message as received, values as strings. */
    Map<String, String> headers();

    /** When the handler's {@code @Timeout} expires for this invocation, if it has one. */
    Optional<Instant> deadline();
}
