package io.levee.messaging;

/**
 * What happens to a task, told by whoever sees it happen: the gateway when the broker confirmed it, the worker
 * around each attempt. Task status (the {@code Location} of every 202) is built from these calls; the callers never
 * know who listens, so the gateway and the worker depend on this interface only. Implementations must not block:
 * they are called on the ingest path and around every handler invocation.
 */
public interface TaskLifecycle {

    /** A listener that records nothing. */
    TaskLifecycle NONE = new TaskLifecycle() {};

    /** The broker confirmed the task: it waits in its queue. */
    default void accepted(String queue, String taskId, long at) {}

    /** An attempt started. */
    default void started(String queue, String taskId, int attempt, long submittedAt, long at) {}

    /** An attempt failed and the task waits in a retry queue for the next one. */
    default void retrying(
            String queue, String taskId, int attempt, long submittedAt, long at, String errorClass, String message) {}

    /**
     * The task succeeded.
     *
     * @param result the handler's return value as JSON, or null when it returned nothing
     */
    default void succeeded(String queue, String taskId, int attempt, long submittedAt, long at, byte[] result) {}

    /** The task was dead-lettered. */
    default void dead(
            String queue, String taskId, int attempt, long submittedAt, long at, String errorClass, String message) {}
}
