package io.levee.worker;

/**
 * What the consumers report about each handling attempt, so that they never depend on a metrics or tracing library:
 * an attempt is told to {@link #started} and then to the returned {@link Attempt} when its outcome is known. Every
 * method has a no-op default; {@link #NONE} ignores everything. Implementations must not block: they run around
 * every handler invocation.
 */
public interface TaskListener {

    /** A listener that ignores everything. */
    TaskListener NONE = new TaskListener() {};

    /** What became of an attempt (the {@code outcome} tag of {@code levee.tasks.handled}). */
    enum Outcome {
        /** The handler returned: the task is done. */
        SUCCEEDED,
        /** The handler failed with attempts left: the task waits in a retry queue. */
        RETRIED,
        /** The task cannot succeed or ran out of attempts: it is in the dead-letter queue. */
        DEAD_LETTERED,
        /** Not the task's fault (bulkhead full, circuit open, rate limit): back to its queue, no attempt used. */
        RETURNED,
        /** Taken after its deadline: dead-lettered as {@code expired} without calling the handler. */
        EXPIRED,
        /** A repeat of a task that already succeeded (duplicate suppression): acknowledged, the handler not called. */
        DUPLICATE;

        /** The tag value: lower case, words joined by a hyphen. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * An attempt starts: its handler is about to be called (or, for an unreadable message, it is about to be
     * dead-lettered without one).
     *
     * @param task the task as the handler sees it
     * @return what hears how the attempt ended
     */
    default Attempt started(TaskContext task) {
        return Attempt.NONE;
    }

    /** One attempt, from its start to its outcome. */
    interface Attempt {

        /** An attempt that ignores everything. */
        Attempt NONE = new Attempt() {};

        /**
         * The trace context the handler sees and passes on to what it calls: the given one, or the handling span's
         * when a tracer is listening.
         */
        default String traceparent(String submitted) {
            return submitted;
        }

        /**
         * The attempt's outcome is known and recorded (its retry or dead-letter copy confirmed).
         *
         * @param failure      what the handler threw, or null when it succeeded or none ran (an expired task)
         * @param handlerNanos how long the handler ran, 0 when none ran (an unreadable message)
         */
        default void finished(Outcome outcome, Throwable failure, long handlerNanos) {}

        /**
         * The attempt's outcome could not be recorded (its copy was not confirmed): the task is not acknowledged and
         * the broker delivers it again.
         */
        default void abandoned(Throwable cause) {}
    }
}
