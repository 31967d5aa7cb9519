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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer connection closed by the broker is replaced: readiness goes down, comes back, and tasks flow again; a
 * task whose first delivery was cut before its acknowledgement comes back marked {@link TaskContext#redelivered()}.
 * Closing a connection needs {@code rabbitmqctl} on the broker's host, so the test runs against a local broker only,
 * and it closes only its own virtual host's connection.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(RecoveryIT.Recording.class)
@AddBean(RecoveryIT.Redelivery.class)
@AddConfig(key = "levee.queues.it-recovery.concurrency", value = "2")
@AddConfig(key = "levee.queues.it-redelivered.concurrency", value = "1")
@AddConfig(key = "levee.queues.it-redelivered.prefetch", value = "1")
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
        assertThat(
                "the pool runs one connection after reconnecting, never the old and the new",
                BrokerConnections.count("levee-consumers-it-recovery"),
                is(1));
    }

    @Test
    void aTaskCutOffBeforeItsAcknowledgementIsRedeliveredAndSaysSo() {
        assumeTrue(BrokerConnections.controllable(), "needs rabbitmqctl for the local broker");
        String id = TaskFeed.publish("it-redelivered", 1).getFirst();
        await("first delivery in the handler").atMost(DEADLINE).until(() -> Redelivery.calls.stream()
                .anyMatch(c -> c.taskId().equals(id)));

        // The handler still holds the first delivery: cutting the connection returns it unacknowledged.
        assertThat(BrokerConnections.close("levee-consumers-it-redelivered", "closed by RecoveryIT"), is(1));
        await("delivered again")
                .atMost(DEADLINE)
                .until(() -> Redelivery.calls.stream()
                                .filter(c -> c.taskId().equals(id))
                                .count()
                        == 2);
        Redelivery.cut.countDown();

        List<Redelivery.Call> calls =
                Redelivery.calls.stream().filter(c -> c.taskId().equals(id)).toList();
        assertThat("the first delivery is not a redelivery", calls.get(0).redelivered(), is(false));
        assertThat("the delivery after the cut is", calls.get(1).redelivered(), is(true));
        assertThat("the quorum queue counted the first delivery", calls.get(1).deliveryCount(), is("1"));
        await("acknowledged: handled twice, no more")
                .atMost(DEADLINE)
                .during(Duration.ofSeconds(1))
                .until(() -> TestBroker.depth("it-redelivered") == 0
                        && Redelivery.calls.stream()
                                        .filter(c -> c.taskId().equals(id))
                                        .count()
                                == 2);
    }

    private int readiness() {
        try (Response r = target.path("/health/ready").request().get()) {
            return r.getStatus();
        }
    }

    /**
     * Records each delivery; the first one waits (up to a minute) until the test has cut its connection and seen the
     * task come back.
     */
    @ApplicationScoped
    public static class Redelivery {
        record Call(String taskId, boolean redelivered, String deliveryCount) {}

        static final List<Call> calls = new CopyOnWriteArrayList<>();
        static final CountDownLatch cut = new CountDownLatch(1);

        @TaskHandler("it-redelivered")
        public void handle(TaskContext task) throws InterruptedException {
            calls.add(new Call(task.taskId(), task.redelivered(), task.headers().get("x-delivery-count")));
            if (!task.redelivered()) {
                boolean released = cut.await(60, TimeUnit.SECONDS);
                if (!released) {
                    throw new IllegalStateException("the test never cut the connection");
                }
            }
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
