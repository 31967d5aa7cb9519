package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.internal.WorkerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer connection closed by the broker is replaced: readiness goes down, comes back, and tasks flow again.
 * Closing a connection needs {@code rabbitmqctl} on the broker's host, so the test runs against a local broker only.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(RecoveryIT.Recording.class)
@AddConfig(key = "levee.queues.it-recovery.concurrency", value = "2")
class RecoveryIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WorkerLifecycle lifecycle;

    @Inject
    WebTarget target;

    @Test
    void aClosedConsumerConnectionIsReplacedAndReadinessReflectsIt() throws Exception {
        assumeTrue(
                TestBroker.uri().contains("127.0.0.1") && rabbitmqctl("status") == 0,
                "needs rabbitmqctl for the local broker");
        await("consumers up").atMost(DEADLINE).until(lifecycle::isUp);

        String listing = output("list_connections", "pid", "client_properties");
        String pid = listing.lines()
                .filter(l -> l.contains("levee-consumers-it-recovery"))
                .map(l -> l.split("\t", -1)[0])
                .findFirst()
                .orElseThrow();
        assertThat(rabbitmqctl("close_connection", pid, "closed by RecoveryIT"), is(0));

        // The reconnect takes about 250 ms: readiness is read over HTTP while it lasts, not after it.
        await("readiness down while reconnecting")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> target.path("/health/ready").request().get().getStatus() == 503);
        await("consumers back").atMost(DEADLINE).until(lifecycle::isUp);
        assertThat(target.path("/health/ready").request().get().getStatus(), is(200));

        List<String> ids = TaskFeed.publish("it-recovery", 50);
        await("tasks flow again").atMost(DEADLINE).until(() -> Recording.seen.containsAll(ids));
    }

    private static int rabbitmqctl(String... args) throws IOException, InterruptedException {
        Process p =
                command(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static String output(String... args) throws IOException, InterruptedException {
        Process p = command(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static ProcessBuilder command(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /** Records task ids. */
    @ApplicationScoped
    public static class Recording {
        static final Set<String> seen = ConcurrentHashMap.newKeySet();

        @TaskHandler("it-recovery")
        public void handle(TaskContext task) {
            seen.add(task.taskId());
        }
    }
}
