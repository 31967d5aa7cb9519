package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.messaging.Topology;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.PermanentTaskFailure;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dead letters and parked tasks back into service: list without loss or reorder, replay, purge. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DeadLetterIT.Switchable.class)
@AddConfig(key = "levee.queues.it-ops-dead.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-ops-purge.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-ops-full.max-length", value = "2")
class DeadLetterIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    OperationsClient api;

    @BeforeEach
    void ready() {
        api = new OperationsClient("http://127.0.0.1:" + target.getUri().getPort());
        api.awaitReady();
    }

    /** Fails every task permanently until switched; counts the runs of each task once it succeeds. */
    @ApplicationScoped
    public static class Switchable {
        static volatile boolean healthy;
        static final Map<String, AtomicInteger> succeeded = new ConcurrentHashMap<>();
        static final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        @TaskHandler(queue = "it-ops-dead")
        public void handle(String body, TaskContext task) {
            if (!healthy) {
                throw new PermanentTaskFailure("downstream broken for " + body);
            }
            attempts.put(task.taskId(), task.attempt());
            succeeded.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    void fiftyDeadLettersAreListedInOrderReplayedByIdAndByLimitAndHandledExactlyOnceMore() {
        TaskFeed.purge("it-ops-dead.dlq");
        List<String> ids = new ArrayList<>();
        // One at a time, so the order in which they die is the order they were published in.
        for (int i = 0; i < 50; i++) {
            ids.add(TaskFeed.publish("it-ops-dead", List.of("{\"n\":" + i + "}"))
                    .getFirst());
            int dead = i + 1;
            await("task " + i + " dead-lettered")
                    .atMost(DEADLINE)
                    .until(() -> TestBroker.depth("it-ops-dead.dlq") == dead);
        }

        List<String> listed = api.listIds("/v1/queues/it-ops-dead/dead-letters", 7);
        assertThat("every task, in the order they died", listed, is(ids));
        assertThat(
                "a second listing sees the same order",
                api.listIds("/v1/queues/it-ops-dead/dead-letters", 50),
                is(ids));
        assertThat("listing loses nothing", TestBroker.depth("it-ops-dead.dlq"), is(50L));

        JsonNode first =
                api.get("/v1/queues/it-ops-dead/dead-letters?limit=1&body=true").json();
        JsonNode task = first.get("tasks").get(0);
        assertThat(task.get("id").asText(), is(ids.getFirst()));
        assertThat(task.get("errorClass").asText(), is(PermanentTaskFailure.class.getName()));
        assertThat(task.get("errorMessage").asText(), startsWith("downstream broken for {\"n\":0}"));
        assertThat(task.get("body").asText(), is("{\"n\":0}"));
        assertThat(task.get("bodyPreview").asText(), is("{\"n\":0}"));
        assertThat(task.has("failedAt"), is(true));
        assertThat(first.get("next").asText(), is(ids.getFirst()));

        Switchable.healthy = true;
        List<String> byId = new ArrayList<>(ids.subList(10, 30));
        String missing = UUID.randomUUID().toString();
        List<String> asked = new ArrayList<>(byId);
        asked.add(missing);
        OperationsClient.Answer replay = api.post(
                "/v1/queues/it-ops-dead/dead-letters/replay",
                "{\"ids\":["
                        + String.join(
                                ",", asked.stream().map(id -> "\"" + id + "\"").toList()) + "]}");
        assertThat(replay.raw().body(), replay.status(), is(200));
        assertThat(replay.json().get("moved").asInt(), is(20));
        assertThat(replay.json().get("notFound").get(0).asText(), is(missing));
        await("20 replayed by id handled")
                .atMost(DEADLINE)
                .until(() -> Switchable.succeeded.keySet().containsAll(byId));
        List<String> rest = new ArrayList<>(ids.subList(0, 10));
        rest.addAll(ids.subList(30, 50));
        assertThat(
                "the others stay, in their order", api.listIds("/v1/queues/it-ops-dead/dead-letters", 100), is(rest));

        replay = api.post("/v1/queues/it-ops-dead/dead-letters/replay", "{\"limit\":30}");
        assertThat(replay.json().get("moved").asInt(), is(30));
        await("all 50 handled").atMost(DEADLINE).until(() -> Switchable.succeeded.size() == 50);
        await("dead-letter queue empty").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-dead.dlq") == 0);
        await("queue drained").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-dead") == 0);
        assertThat(Switchable.succeeded.keySet(), containsInAnyOrder(ids.toArray()));
        Switchable.succeeded.forEach((id, n) -> assertThat("task " + id + " handled once more", n.get(), is(1)));
        Switchable.attempts.forEach((id, a) -> assertThat("attempt count reset for " + id, a, is(1)));
    }

    @Test
    void aPurgeNeedsTheQueueNameAsConfirmation() {
        TaskFeed.awaitDeclared("it-ops-purge.dlq");
        TaskFeed.purge("it-ops-purge.dlq");
        for (int i = 0; i < 5; i++) {
            deadLetter("it-ops-purge.dlq", UUID.randomUUID().toString());
        }

        OperationsClient.Answer refused = api.delete("/v1/queues/it-ops-purge/dead-letters");
        assertThat(refused.status(), is(400));
        assertThat(refused.header("Content-Type"), is("application/problem+json"));
        assertThat(refused.json().get("type").asText(), is("urn:levee:problem:confirmation-required"));
        assertThat(
                api.delete("/v1/queues/it-ops-purge/dead-letters?confirm=it-ops-dead")
                        .status(),
                is(400));
        assertThat("nothing purged without confirmation", TestBroker.depth("it-ops-purge.dlq"), is(5L));

        OperationsClient.Answer purged = api.delete("/v1/queues/it-ops-purge/dead-letters?confirm=it-ops-purge");
        assertThat(purged.status(), is(200));
        assertThat(purged.json().get("purged").asLong(), is(5L));
        assertThat(TestBroker.depth("it-ops-purge.dlq"), is(0L));
    }

    @Test
    void aTaskTheQueueRefusesStaysInTheDeadLetterQueueAndMovesOnceThereIsRoom() {
        TaskFeed.awaitDeclared("it-ops-full.dlq");
        TaskFeed.purge("it-ops-full");
        TaskFeed.purge("it-ops-full.dlq");
        // Filled until the broker refuses a task (reject-publish): a quorum queue checks its max-length (2) before it
        // takes a message, so it can hold one more than the bound.
        boolean full = false;
        for (int i = 0; i < 10 && !full; i++) {
            try {
                TaskFeed.publish("it-ops-full", 1);
            } catch (IllegalStateException refusedByTheBroker) {
                full = true;
            }
        }
        assertThat("the queue refuses tasks", full, is(true));
        List<String> parked =
                List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        parked.forEach(id -> deadLetter("it-ops-full.dlq", id));

        OperationsClient.Answer refused = api.post("/v1/queues/it-ops-full/dead-letters/replay", "{\"all\":true}");
        assertThat(refused.raw().body(), refused.status(), is(200));
        assertThat(refused.json().get("moved").asInt(), is(0));
        assertThat(refused.json().get("notMoved").size(), is(2));
        assertThat("nothing left the dead-letter queue", TestBroker.depth("it-ops-full.dlq"), is(2L));
        assertThat(api.listIds("/v1/queues/it-ops-full/dead-letters", 10), containsInAnyOrder(parked.toArray()));

        TaskFeed.purge("it-ops-full");
        OperationsClient.Answer moved = api.post("/v1/queues/it-ops-full/dead-letters/replay", "{\"all\":true}");
        assertThat(moved.raw().body(), moved.json().get("moved").asInt(), is(2));
        assertThat(TestBroker.depth("it-ops-full.dlq"), is(0L));
        List<String> arrived = TaskFeed.take("it-ops-full").stream()
                .map(r -> r.header("levee-task-id"))
                .toList();
        assertThat(arrived, containsInAnyOrder(parked.toArray()));
    }

    @Test
    void badRequestsAreProblemsAndChangeNothing() {
        assertThat(api.get("/v1/queues/it-ops-nope/dead-letters").status(), is(404));
        assertThat(api.get("/v1/queues/it-ops-purge/dead-letters?limit=0").status(), is(400));
        assertThat(api.post("/v1/queues/it-ops-purge/dead-letters/replay", "{}").status(), is(400));
        assertThat(
                api.post("/v1/queues/it-ops-purge/dead-letters/replay", "{\"all\":true,\"limit\":2}")
                        .status(),
                is(400));
        OperationsClient.Answer a = api.post("/v1/queues/it-ops-purge/dead-letters/replay", "{\"limit\":");
        assertThat(a.status(), is(400));
        assertThat(a.json().get("type").asText(), is("urn:levee:problem:invalid-request"));
        assertThat(
                api.get("/v1/queues/it-ops-purge/dead-letters?after=no-such-task")
                        .json()
                        .get("type")
                        .asText(),
                is("urn:levee:problem:invalid-request"));
    }

    @Test
    void aParkedTaskIsReplayedToItsQueueOnceThatQueueExists() throws Exception {
        TaskFeed.awaitDeclared(Topology.UNROUTABLE);
        String late = "it-ops-late-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put("levee-queue", late);
        headers.put("levee-attempt", 1);
        TestBroker.publish(
                Topology.TASKS,
                late,
                TestBroker.jsonProperties(id, headers),
                "{\"late\":true}".getBytes(StandardCharsets.UTF_8));

        assertThat(api.listIds("/v1/unroutable", 1000), hasItems(id));
        OperationsClient.Answer stays = api.post("/v1/unroutable/replay", "{\"ids\":[\"" + id + "\"]}");
        assertThat(stays.json().get("moved").asInt(), is(0));
        assertThat(stays.json().get("notMoved").get(0).get("id").asText(), is(id));
        assertThat("still parked", api.listIds("/v1/unroutable", 1000), hasItems(id));

        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            ch.queueDeclare(late, true, false, false, Map.of("x-queue-type", "quorum"));
            OperationsClient.Answer moved = api.post("/v1/unroutable/replay", "{\"ids\":[\"" + id + "\"]}");
            assertThat(moved.raw().body(), moved.json().get("moved").asInt(), is(1));
            List<TaskFeed.Received> arrived = TaskFeed.take(late);
            assertThat(arrived.size(), is(1));
            assertThat(arrived.getFirst().body(), is("{\"late\":true}"));
            assertThat(arrived.getFirst().header("levee-attempt"), is("1"));
            assertThat(arrived.getFirst().header("levee-replayed-at") != null, is(true));
            assertThat(
                    "gone from levee.unroutable",
                    api.listIds("/v1/unroutable", 1000).contains(id),
                    is(false));
            ch.queueDelete(late);
        }
        assertThat(api.post("/v1/unroutable/replay", "{\"ids\":[]}").status(), is(400));
        assertThat(Switchable.succeeded.keySet().contains(id), is(false));
    }

    private static void deadLetter(String dlq, String id) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put("levee-attempt", 3);
        headers.put("levee-error-class", "java.lang.IllegalStateException");
        headers.put("levee-error-message", "no");
        headers.put("levee-failed-at", System.currentTimeMillis());
        TestBroker.publish("", dlq, TestBroker.jsonProperties(id, headers), "{}".getBytes(StandardCharsets.UTF_8));
    }
}
