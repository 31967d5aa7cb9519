package io.levee.worker;

/**
 * One queue's handler as the consumer container runs it. A {@link TaskHandler} method is adapted to it (its
 * parameters bound from the payload and the context); a {@link HandlerProvider} hands instances of it over directly.
 * The outcome is the same for both: returning acknowledges the task, {@link PermanentTaskFailure} dead-letters it,
 * any other exception retries it with backoff.
 */
@FunctionalInterface
public interface QueueHandler {

    /**
     * Handles one task.
     *
     * @param payload the task's body as received; the handler must not modify it
     * @param task    what else is known about the task
     * @throws Exception the task's failure, classified as described above
     */
    void handle(byte[] payload, TaskContext task) throws Exception;
}
