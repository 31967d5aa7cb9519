package io.levee.worker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ids of tasks whose handler succeeded, remembered for a while so that a repeat of one can be acknowledged without
 * calling the handler again ({@code @TaskHandler(deduplicate = true)}). A failing store throws; the caller decides
 * what that means for the task.
 */
interface SucceededTasks {

    /** Whether the task succeeded within its queue's TTL. */
    boolean contains(String queue, String taskId);

    /**
     * Whether a check costs a round trip to another process, so that a session is better off asking about every task
     * it holds at once ({@link #containing}) than about one at a time.
     */
    default boolean remote() {
        return false;
    }

    /** Which of these tasks succeeded within their queue's TTL; a store that can, asks in one round trip. */
    default Set<String> containing(String queue, Collection<String> taskIds) {
        return taskIds.stream().filter(id -> contains(queue, id)).collect(Collectors.toUnmodifiableSet());
    }

    /** Remembers that these tasks succeeded, each for {@code ttl}. */
    void addAll(String queue, Collection<String> taskIds, Duration ttl);

    /** Releases the store's connections. */
    default void close() {}
}
