package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.BrokerConnections;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer connection closed by the broker is replaced: readiness goes down, comes back, and tasks flow again.
 * Closing a connection needs {@code rabbitmqctl} on the broker's host, so the test runs against a local broker only,
 * and it closes only its own virtual host's connection.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(RecoveryIT.Recording.class)
@AddConfig(key = "levee.queues.it-recovery.concurrency", value = "2")
class RecoveryIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    @Test
    void aClosedConsumerConnectionIsReplacedAndReadinessReflectsIt() {
        assumeTrue(BrokerConnections.controllable(), "needs rabbitmqctl for the local broker");
        await("ready").atMost(DEADLINE).until(() -> readiness() == 200);

        assertThat(BrokerConnections.close("levee-consumers-it-recovery", "closed by RecoveryIT"), is(1));

        // The pool waits at least 250 ms before reconnecting: readiness is polled over HTTP well within that window.
        await("readiness down while reconnecting")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> readiness() == 503);
        await("ready again").atMost(DEADLINE).until(() -> readiness() == 200);

        List<String> ids = TaskFeed.publish("it-recovery", 50);
        await("tasks flow again").atMost(DEADLINE).until(() -> Recording.seen.containsAll(ids));
    }

    private int readiness() {
        try (Response r = target.path("/health/ready").request().get()) {
            return r.getStatus();
        }
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
