package io.levee.worker.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.limits.RateLimitException;
import io.levee.messaging.MalformedTaskException;
import io.levee.worker.PermanentTaskFailure;
import java.time.Duration;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every throwable has an outcome; limits are not the task's fault. */
class TaskOutcomeTest {

    @Test
    void anOrdinaryFailureRetriesWhileAttemptsRemainThenDeadLetters() {
        assertThat(TaskOutcome.of(new IllegalStateException(), 1, 3), is(TaskOutcome.RETRY));
        assertThat(TaskOutcome.of(new IllegalStateException(), 2, 3), is(TaskOutcome.RETRY));
        assertThat(TaskOutcome.of(new IllegalStateException(), 3, 3), is(TaskOutcome.DEAD_LETTER));
        assertThat(
                "beyond the configured attempts",
                TaskOutcome.of(new RuntimeException(), 9, 3),
                is(TaskOutcome.DEAD_LETTER));
    }

    @Test
    void errorsAndTimeoutsAreOutcomesToo() {
        assertThat(TaskOutcome.of(new StackOverflowError(), 1, 3), is(TaskOutcome.RETRY));
        assertThat(TaskOutcome.of(new TimeoutException(), 1, 3), is(TaskOutcome.RETRY));
        assertThat(TaskOutcome.of(new Exception("checked"), 1, 1), is(TaskOutcome.DEAD_LETTER));
    }

    @Test
    void permanentFailuresAndUnreadableTasksAreDeadLetteredAtOnce() {
        assertThat(TaskOutcome.of(new PermanentTaskFailure("bad order"), 1, 3), is(TaskOutcome.DEAD_LETTER));
        assertThat(TaskOutcome.of(new MalformedTaskException("no id"), 1, 3), is(TaskOutcome.DEAD_LETTER));
        assertThat(TaskOutcome.of(new UnreadablePayloadException("not json", null), 1, 3), is(TaskOutcome.DEAD_LETTER));
    }

    @Test
    void limitsReturnTheTaskWithoutConsumingAnAttempt() {
        assertThat(TaskOutcome.of(new BulkheadException(), 3, 3), is(TaskOutcome.RETURN));
        assertThat(TaskOutcome.of(new CircuitBreakerOpenException(), 3, 3), is(TaskOutcome.RETURN));
        assertThat(TaskOutcome.of(new RateLimitException("full"), 3, 3), is(TaskOutcome.RETURN));
    }

    @Test
    void backoffDoublesUpToItsCapAndResets() {
        Backoff b = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(1));
        assertThat(b.next(), is(Duration.ofMillis(250)));
        assertThat(b.next(), is(Duration.ofMillis(500)));
        assertThat(b.next(), is(Duration.ofSeconds(1)));
        assertThat(b.next(), is(Duration.ofSeconds(1)));
        b.reset();
        assertThat(b.next(), is(Duration.ofMillis(250)));
    }
}
