package io.levee.worker.internal;

import java.time.Duration;
import java.util.Collection;

/**
 * Ids of tasks whose handler succeeded, remembered for a while so that a repeat of one can be acknowledged without
 * calling the handler again ({@code @TaskHandler(deduplicate = true)}). A failing store throws; the caller decides
 * what that means for the task.
 */
interface SucceededTasks {

    /** Whether the task succeeded within its queue's TTL. */
    boolean contains(String queue, String taskId);

    /** Remembers that these tasks succeeded, each for {@code ttl}. */
    void addAll(String queue, Collection<String> taskIds, Duration ttl);

    /** Releases the store's connections. */
    default void close() {}
}
