package io.levee.worker.internal;

import io.levee.config.QueueSettings;
import io.levee.messaging.TaskEnvelope;
import java.time.Duration;
import java.util.Optional;

/**
 * One handler bound to its queue with the values it runs with: the annotation's, overridden by configuration.
 *
 * @param definition       the handler as written
 * @param queue            the queue's configuration (retry delays, dead-letter queue)
 * @param concurrency      consumer sessions
 * @param prefetch         unacknowledged tasks per session
 * @param timeout          the handler's MicroProfile {@code @Timeout}, if it has one (the task's deadline)
 * @param deduplicate      whether repeats of succeeded tasks skip the handler (configuration over annotation)
 */
record HandlerEndpoint(
        HandlerDefinition definition,
        QueueSettings queue,
        int concurrency,
        int prefetch,
        Optional<Duration> timeout,
        boolean deduplicate) {

    /** Attempts a task gets: the first plus one per retry delay. */
    int maxAttempts() {
        return queue.retryDelays().size() + 1;
    }

    /**
     * The epoch ms after which the task must not start, 0 for none: its own {@code levee-deadline}, else the queue's
     * {@code task-ttl} counted from when it was due (submitted, its not-before time, or replayed by an operator), so
     * tasks of producers that never set a deadline expire too.
     *
     * @param replayedAt epoch ms of the task's {@code levee-replayed-at}, 0 when it was never replayed
     */
    long taskDeadline(TaskEnvelope task, long replayedAt) {
        if (task.deadline() > 0) {
            return task.deadline();
        }
        long due = Math.max(Math.max(task.submittedAt(), task.notBefore()), replayedAt);
        return queue.taskTtl()
                .filter(ttl -> due > 0)
                .map(ttl -> due + ttl.toMillis())
                .orElse(0L);
    }
}
