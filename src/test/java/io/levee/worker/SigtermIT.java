package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.testing.LeveeProcess;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real thing: Levee's jar as a separate process, stopped with SIGTERM while slow tasks run. The tasks in flight
 * finish and are acknowledged, the rest stay in the queue, nothing is lost: handled + remaining = submitted.
 */
@ExtendWith(TestBroker.class)
class SigtermIT {

    private static final String QUEUE = "it-sigterm";
    private static final int SUBMITTED = 10;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void sigtermLetsInFlightTasksFinishAndLeavesTheRestQueued() throws Exception {
        TaskFeed.purge(QUEUE);
        try (LeveeProcess levee = LeveeProcess.start(
                "worker",
                "levee.demo.enabled=true",
                "levee.demo.queue=" + QUEUE,
                "levee.demo.work-time=PT1.5S",
                "levee.queues." + QUEUE + ".concurrency=2",
                "levee.queues." + QUEUE + ".prefetch=1",
                "levee.queues." + QUEUE + ".retry-delays=")) {
            await("consumers started").atMost(DEADLINE).until(() -> levee.output()
                    .contains("Consuming queue '" + QUEUE));
            List<String> ids = TaskFeed.publish(QUEUE, SUBMITTED);
            // Two sessions with prefetch 1: two tasks in flight, the rest ready in the queue.
            await("two tasks in flight").atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == SUBMITTED - 2);

            assertThat("Levee exits after draining (SIGTERM)", levee.terminate(DEADLINE.toSeconds()), is(true));

            // The JVM's own shutdown hook resets java.util.logging, so what happens during the drain is read from
            // the broker: the two tasks in flight were finished and acknowledged, the rest are back in the queue.
            // Without the drain they would be killed mid-work and all ten would be back.
            assertThat(
                    "handled + remaining = submitted, handled = the two in flight",
                    TestBroker.depth(QUEUE),
                    is((long) SUBMITTED - 2));
            assertThat(Set.copyOf(ids).size(), is(SUBMITTED));
        } finally {
            TaskFeed.purge(QUEUE);
        }
    }
}
