package io.levee.worker.internal;

import io.levee.config.QueueSettings;
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
 */
record HandlerEndpoint(
        HandlerDefinition definition, QueueSettings queue, int concurrency, int prefetch, Optional<Duration> timeout) {

    /** Attempts a task gets: the first plus one per retry delay. */
    int maxAttempts() {
        return queue.retryDelays().size() + 1;
    }
}
