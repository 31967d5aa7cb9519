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

    /**
     * The identity that submitted the task ({@code key:<name>} or {@code jwt:<principal>}, header
     * {@code levee-submitted-by}), or null when authentication was off or another producer sent it.
     */
    default String submittedBy() {
        return headers().get("levee-submitted-by");
    }

    /** When the gateway accepted the task (epoch 0 when the producer did not say). */
    Instant submittedAt();

    /** All headers of the message as received, values as strings. */
    Map<String, String> headers();

    /** When the handler's {@code @Timeout} expires for this invocation, if it has one. */
    Optional<Instant> deadline();
}
