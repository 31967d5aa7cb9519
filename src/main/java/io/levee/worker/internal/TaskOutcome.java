package io.levee.worker.internal;

import io.levee.limits.RateLimitException;
import io.levee.messaging.MalformedTaskException;
import io.levee.worker.PermanentTaskFailure;
import io.levee.worker.TaskListener;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/** What happens to a delivered task once its handler returned or threw. */
enum TaskOutcome {
    /** Done: acknowledge. */
    DONE,
    /** Failed, attempts left: copy into the retry queue of this attempt's delay with the next attempt, then ack. */
    RETRY,
    /** Cannot succeed or out of attempts: copy into the dead-letter queue with the error, then ack. */
    DEAD_LETTER,
    /**
     * Not the task's fault (bulkhead full, circuit open, rate limit): copy back to the queue with the same attempt,
     * ack, and let the session back off.
     */
    RETURN;

    /** The outcome as listeners are told it. */
    TaskListener.Outcome reported() {
        return switch (this) {
            case DONE -> TaskListener.Outcome.SUCCEEDED;
            case RETRY -> TaskListener.Outcome.RETRIED;
            case DEAD_LETTER -> TaskListener.Outcome.DEAD_LETTERED;
            case RETURN -> TaskListener.Outcome.RETURNED;
        };
    }

    /**
     * Classifies a handler's throwable; every throwable has an outcome.
     *
     * @param failure     what the handler (or an interceptor around it) threw
     * @param attempt     the 1-based attempt that failed
     * @param maxAttempts attempts a task gets: one more than the configured retry delays
     */
    static TaskOutcome of(Throwable failure, int attempt, int maxAttempts) {
        if (failure instanceof BulkheadException
                || failure instanceof CircuitBreakerOpenException
                || failure instanceof io.helidon.faulttolerance.CircuitBreakerOpenException
                || failure instanceof RateLimitException) {
            return RETURN;
        }
        if (failure instanceof PermanentTaskFailure
                || failure instanceof MalformedTaskException
                || failure instanceof UnreadablePayloadException) {
            return DEAD_LETTER;
        }
        return attempt < maxAttempts ? RETRY : DEAD_LETTER;
    }
}
