package io.levee;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.messaging.Topology;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One task end to end: HTTP → broker → {@code @TaskHandler} → acknowledgement, on this test's own queues. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(FoundationIT.RecordingHandler.class)
@AddConfig(key = "levee.queues.it-foundation.concurrency", value = "4")
@AddConfig(key = "levee.queues.it-foundation-idle.max-length", value = "1000")
class FoundationIT {

    static final String QUEUE = "it-foundation";
    static final String IDLE = "it-foundation-idle";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    @Inject
    RecordingHandler handler;

    /** Levee connects to the broker after the server starts; until then it answers 503, as readiness says. */
    @BeforeEach
    void awaitReady() {
        await("Levee ready").atMost(DEADLINE).until(() -> {
            try (Response r = target.path("/health/ready").request().get()) {
                return r.getStatus() == 200;
            }
        });
    }

    @Test
    void everySubmittedTaskIsHandledExactlyOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try (Response r = submit(QUEUE, "{\"n\":" + i + "}")) {
                assertThat(r.readEntity(String.class), r.getStatus(), is(202));
                assertThat(r.getHeaderString("Location"), containsString("/v1/queues/" + QUEUE + "/tasks/"));
                ids.add(r.getHeaderString("Location").replaceAll(".*/", ""));
            }
        }
        assertThat("ids are distinct", Set.copyOf(ids), hasSize(200));

        await("all 200 tasks handled").atMost(DEADLINE).until(() -> handler.handledAll(ids));
        await("queue drained").atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == 0);
        for (String id : ids) {
            assertThat("task " + id + " handled once", handler.times(id), is(1));
        }
    }

    @Test
    void aTaskPublishedByAPlainAmqpClientInTheWireFormatIsHandled() {
        String id = "plain-" + UUID.randomUUID();
        TaskFeed.awaitDeclared(QUEUE);
        TestBroker.publish(
                Topology.TASKS,
                QUEUE,
                TestBroker.jsonProperties(
                        id,
                        Map.of(
                                "levee-task-id",
                                id,
                                "levee-queue",
                                QUEUE,
                                "levee-submitted-at",
                                System.currentTimeMillis(),
                                "levee-attempt",
                                1)),
                "{\"from\":\"amqp-client\"}".getBytes(StandardCharsets.UTF_8));

        await("plain AMQP task handled").atMost(DEADLINE).until(() -> handler.times(id) > 0);
        assertThat(handler.payload(id), is("{\"from\":\"amqp-client\"}"));
    }

    @Test
    void badInputIsAProblemAndEnqueuesNothing() {
        long before = TestBroker.depth(IDLE);

        assertProblem(submit(IDLE, "{\"unterminated\":"), 400, "urn:levee:problem:invalid-json");
        assertProblem(submit(IDLE, "not json at all"), 400, "urn:levee:problem:invalid-json");
        assertProblem(submit(IDLE, ""), 400, "urn:levee:problem:invalid-json");
        assertProblem(submit("no-such-queue", "{}"), 404, "urn:levee:problem:unknown-queue");
        assertProblem(
                target.path("/v1/queues/" + IDLE + "/tasks").request().post(Entity.entity("{}", "text/plain")),
                415,
                "urn:levee:problem:unsupported-media-type");
        assertThat("nothing enqueued by bad input", TestBroker.depth(IDLE), is(before));

        // The same measure sees a good task arrive, so the assertion above could have failed.
        try (Response ok = submit(IDLE, "{}")) {
            assertThat(ok.getStatus(), is(202));
        }
        await().atMost(DEADLINE).until(() -> TestBroker.depth(IDLE) == before + 1);
    }

    private Response submit(String queue, String json) {
        return target.path("/v1/queues/" + queue + "/tasks").request().post(Entity.entity(json, "application/json"));
    }

    private static void assertProblem(Response r, int status, String type) {
        try (r) {
            String body = r.readEntity(String.class);
            assertThat(body, r.getStatus(), is(status));
            assertThat(r.getMediaType().toString(), startsWith("application/problem+json"));
            assertThat(body, containsString("\"type\":\"" + type + "\""));
        }
    }

    /** Records every task of {@value #QUEUE} it is given. */
    @ApplicationScoped
    public static class RecordingHandler {
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final Map<String, String> payloads = new ConcurrentHashMap<>();

        boolean handledAll(List<String> ids) {
            return seen.keySet().containsAll(ids);
        }

        int times(String id) {
            AtomicInteger n = seen.get(id);
            return n == null ? 0 : n.get();
        }

        String payload(String id) {
            return payloads.get(id);
        }

        @TaskHandler(QUEUE)
        public void handle(String payload, TaskContext task) {
            payloads.put(task.taskId(), payload);
            seen.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }
}
