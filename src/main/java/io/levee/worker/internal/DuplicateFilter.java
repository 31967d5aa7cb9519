package io.levee.worker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Duplicate suppression for one queue's consumers. A task that succeeded is remembered first here, then, before
 * the session acknowledges it, in the {@link SucceededTasks} store ({@link #record}): a crash between the two
 * leaves the task unacknowledged and unrecorded, so the broker redelivers it and the handler runs again, the
 * at-least-once case that cannot be told apart from a task that never ran. Once recorded, a redelivery, a retry copy
 * or a second publish of the same id is acknowledged without calling the handler.
 *
 * <p>With a store a round trip away, a session asks about every task it holds at once ({@link #check}: one round trip
 * for its prefetch window or batch) and then answers each task from that {@link Window} while it is fresh ({@link #ANSWERS_FOR}). A
 * task that succeeded here after the window was checked is still caught: it is remembered here until recorded, and
 * after its recording for as long as any window's answers are used. A success on another replica within that time
 * may be missed, which a check per task also misses while the two run at once: the filter suppresses repeats of a
 * success, it is not a lock.
 *
 * <p>A store that fails does not stop the queue: a check that fails counts as "not seen" (the task is handled; a
 * duplicate is possible) and a record that fails is logged.
 */
final class DuplicateFilter {

    private static final Logger LOG = Logger.getLogger(DuplicateFilter.class.getName());

    /** How long the store's answers for a window are used; after that a task is checked again. */
    static final Duration ANSWERS_FOR = Duration.ofSeconds(1);

    /** The filter of a queue without duplicate suppression. */
    static final DuplicateFilter OFF = new DuplicateFilter(null, "", Duration.ZERO);

    private final SucceededTasks store;
    private final String queue;
    private final Duration ttl;
    private final LongSupplier nanoTime;
    private final Set<String> unrecorded = ConcurrentHashMap.newKeySet();
    /** Ids recorded by this filter within {@link #ANSWERS_FOR}, with when; the oldest first in {@link #recordedOrder}. */
    private final Map<String, Long> recorded = new ConcurrentHashMap<>();

    private final Queue<Map.Entry<String, Long>> recordedOrder = new ConcurrentLinkedQueue<>();

    DuplicateFilter(SucceededTasks store, String queue, Duration ttl) {
        this(store, queue, ttl, System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} outside tests) */
    DuplicateFilter(SucceededTasks store, String queue, Duration ttl, LongSupplier nanoTime) {
        this.store = store;
        this.queue = queue;
        this.ttl = ttl;
        this.nanoTime = nanoTime;
    }

    boolean enabled() {
        return store != null;
    }

    /**
     * Whether sessions should ask about their whole window at once ({@link #check}): the store is a round trip away.
     * A store in this process answers a task at a time as cheaply, without the hand-over to a session's own thread
     * that collecting a window takes.
     */
    boolean checksWindows() {
        return store != null && store.remote();
    }

    /**
     * The store's answers for a window of tasks a session holds, asked in one round trip. A store that fails
     * answers "not seen" for every one of them (logged once).
     */
    Window check(Collection<String> taskIds) {
        long at = nanoTime.getAsLong();
        if (store == null || taskIds.isEmpty()) {
            return new Window(Set.of(), Set.of(), at);
        }
        Set<String> asked = Set.copyOf(taskIds);
        try {
            return new Window(asked, store.containing(queue, asked), at);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot check " + asked.size() + " task(s) of '" + queue + "' for repeats; handling them",
                    e);
            return new Window(asked, Set.of(), at);
        }
    }

    /** Whether the task already succeeded (here, not yet recorded, or in the store). */
    boolean isRepeat(String taskId) {
        return isRepeat(taskId, null);
    }

    /**
     * Whether the task already succeeded: here (not yet recorded, or recorded since the window was checked), or in
     * the store as the window's answers say while they are fresh; otherwise the store is asked for this task alone.
     *
     * @param window the answers for the session's window, or null
     */
    boolean isRepeat(String taskId, Window window) {
        if (store == null) {
            return false;
        }
        if (unrecorded.contains(taskId) || recorded.containsKey(taskId)) {
            return true;
        }
        if (window != null && window.asked.contains(taskId) && fresh(window)) {
            return window.seen.contains(taskId);
        }
        try {
            return store.contains(queue, taskId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot check task " + taskId + " of '" + queue + "' for a repeat; handling it", e);
            return false;
        }
    }

    /** Whether the window's answers may still be used. */
    boolean fresh(Window window) {
        return nanoTime.getAsLong() - window.at < ANSWERS_FOR.toNanos();
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
        if (store == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        forgetRecordedBefore(now - ANSWERS_FOR.toNanos());
        if (unrecorded.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(unrecorded);
        try {
            store.addAll(queue, ids, ttl);
            // Kept here while a window checked before this write may still be answering for them.
            for (String id : ids) {
                recorded.put(id, now);
                recordedOrder.add(Map.entry(id, now));
            }
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

    private void forgetRecordedBefore(long before) {
        Map.Entry<String, Long> oldest;
        while ((oldest = recordedOrder.peek()) != null && oldest.getValue() - before < 0) {
            recordedOrder.poll();
            recorded.remove(oldest.getKey(), oldest.getValue());
        }
    }

    /** The store's answers for the tasks a session held at one moment. */
    static final class Window {
        private final Set<String> asked;
        private final Set<String> seen;
        private final long at;

        private Window(Set<String> asked, Set<String> seen, long at) {
            this.asked = asked;
            this.seen = seen;
            this.at = at;
        }
    }
}
