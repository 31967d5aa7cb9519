package io.levee.delivery;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.levee.worker.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The built-in delivery's request timeout follows the time a task has left. */
class DeliveryTimeoutTest {

    private static final Duration CONFIGURED = Duration.ofSeconds(10);

    @Test
    void aTaskWithoutDeadlineGetsTheConfiguredTimeout() {
        assertThat(Downstream.timeout(CONFIGURED, task(Optional.empty())), is(CONFIGURED));
    }

    @Test
    void aTaskWithLessTimeLeftGetsWhatIsLeft() {
        Duration timeout =
                Downstream.timeout(CONFIGURED, task(Optional.of(Instant.now().plusSeconds(2))));

        assertThat(timeout, lessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(timeout, greaterThan(Duration.ofSeconds(1)));
    }

    @Test
    void aTaskWithMoreTimeLeftGetsTheConfiguredTimeout() {
        assertThat(Downstream.timeout(CONFIGURED, task(Optional.of(Instant.now().plusSeconds(60)))), is(CONFIGURED));
    }

    @Test
    void aDeadlineThatPassedWhileWaitingGivesTheShortestTimeoutARequestAccepts() {
        assertThat(
                Downstream.timeout(CONFIGURED, task(Optional.of(Instant.now().minusSeconds(1)))),
                is(Duration.ofMillis(1)));
    }

    private static TaskContext task(Optional<Instant> deadline) {
        return new TaskContext() {
            @Override
            public String taskId() {
                return "t";
            }

            @Override
            public String queue() {
                return "q";
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public String requestId() {
                return null;
            }

            @Override
            public String traceparent() {
                return null;
            }

            @Override
            public Instant submittedAt() {
                return Instant.EPOCH;
            }

            @Override
            public Map<String, String> headers() {
                return Map.of();
            }

            @Override
            public Optional<Instant> deadline() {
                return deadline;
            }
        };
    }
}
