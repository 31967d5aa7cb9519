package io.levee.worker.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Duplicate suppression for one queue's consumers. A task that succeeded is remembered first here, then, before
 * the session acknowledges it, in the {@link SucceededTasks} store ({@link #record}): a crash between the two
 * leaves the task unacknowledged and unrecorded, so the broker redelivers it and the handler runs again, the
 * at-least-once case that cannot be told apart from a task that never ran. Once recorded, a redelivery, a retry copy
 * or a second publish of the same id is acknowledged without calling the handler.
 *
 * <p>A store that fails does not stop the queue: a check that fails counts as "not seen" (the task is handled; a
 * duplicate is possible) and a record that fails is logged.
 */
final class DuplicateFilter {

    private static final Logger LOG = Logger.getLogger(DuplicateFilter.class.getName());

    /** The filter of a queue without duplicate suppression. */
    static final DuplicateFilter OFF = new DuplicateFilter(null, "", Duration.ZERO);

    private final SucceededTasks store;
    private final String queue;
    private final Duration ttl;
    private final Set<String> unrecorded = ConcurrentHashMap.newKeySet();

    DuplicateFilter(SucceededTasks store, String queue, Duration ttl) {
        this.store = store;
        this.queue = queue;
        this.ttl = ttl;
    }

    boolean enabled() {
        return store != null;
    }

    /** Whether the task already succeeded (here, not yet recorded, or in the store). */
    boolean isRepeat(String taskId) {
        if (store == null) {
            return false;
        }
        if (unrecorded.contains(taskId)) {
            return true;
        }
        try {
            return store.contains(queue, taskId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot check task " + taskId + " of '" + queue + "' for a repeat; handling it", e);
            return false;
        }
    }

    /** The task's handler succeeded. */
    void succeeded(String taskId) {
        if (store != null) {
            unrecorded.add(taskId);
        }
    }

    /**
     * Writes every succeeded task not yet in the store; returns when they are there (or the store failed). One
     * caller at a time, so a session never acknowledges a task another session is still recording.
     */
    synchronized void record() {
        if (store == null || unrecorded.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(unrecorded);
        try {
            store.addAll(queue, ids, ttl);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot record " + ids.size() + " succeeded task(s) of '" + queue
                            + "'; a repeat of them will be handled again",
                    e);
        } finally {
            ids.forEach(unrecorded::remove);
        }
    }
}
