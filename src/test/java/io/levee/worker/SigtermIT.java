package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
        Path log = Files.createTempFile("levee-sigterm", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process levee = new ProcessBuilder(
                        java,
                        "-Dlevee.amqp.uri=" + TestBroker.uri(),
                        "-Dlevee.role=worker",
                        "-Dlevee.auth.enabled=false",
                        "-Dserver.port=0",
                        "-Dserver.host=127.0.0.1",
                        "-Dlevee.demo.enabled=true",
                        "-Dlevee.demo.queue=" + QUEUE,
                        "-Dlevee.demo.work-time=PT1.5S",
                        "-Dlevee.queues." + QUEUE + ".concurrency=2",
                        "-Dlevee.queues." + QUEUE + ".prefetch=1",
                        "-Dlevee.queues." + QUEUE + ".retry-delays=",
                        "-jar",
                        "target/levee.jar")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await("consumers started").atMost(DEADLINE).until(() -> read(log).contains("Consuming queue '" + QUEUE));
            List<String> ids = TaskFeed.publish(QUEUE, SUBMITTED);
            // Two sessions with prefetch 1: two tasks in flight, the rest ready in the queue.
            await("two tasks in flight").atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == SUBMITTED - 2);

            levee.destroy(); // SIGTERM
            assertThat("Levee exits after draining", levee.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));

            // The JVM's own shutdown hook resets java.util.logging, so what happens during the drain is read from
            // the broker: the two tasks in flight were finished and acknowledged, the rest are back in the queue.
            // Without the drain they would be killed mid-work and all ten would be back.
            assertThat(
                    "handled + remaining = submitted, handled = the two in flight",
                    TestBroker.depth(QUEUE),
                    is((long) SUBMITTED - 2));
            assertThat(Set.copyOf(ids).size(), is(SUBMITTED));
        } finally {
            levee.destroyForcibly();
            TaskFeed.purge(QUEUE);
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
