package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.LeveeProcess;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delayed tasks against a real broker: released in the order they are due and never early, through the delay ladder
 * alone (a queue nobody consumes receives them too), counted while they wait; bad delays refused.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DelayIT.Recording.class)
@AddConfig(key = "levee.queues.it-delay.max-delay", value = "1m")
@AddConfig(key = "levee.queues.it-delay-idle.max-delay", value = "1h")
@AddConfig(key = "levee.queues.it-delay-none.max-delay", value = "0")
class DelayIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    /** How late a release may be here: the ladder's 100 ms rounding, a hop per rung, a loaded machine. */
    static final Duration LATE = Duration.ofSeconds(5);

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    WebTarget target;

    String base;

    @BeforeEach
    void ready() {
        base = "http://127.0.0.1:" + target.getUri().getPort();
        await("Levee ready")
                .atMost(WAIT)
                .ignoreExceptions()
                .until(() -> get("/health/ready").statusCode() == 200);
    }

    /** Records when each task reached the handler. */
    @ApplicationScoped
    public static class Recording {
        static final Map<String, Instant> handled = new ConcurrentHashMap<>();
        static final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());

        @TaskHandler("it-delay")
        public void handle(String body, TaskContext task) {
            handled.put(task.taskId(), Instant.now());
            order.add(task.taskId());
        }

        @TaskHandler("it-delay-none")
        public void none(String body) {}
    }

    @Test
    void delaysOfThirtyFiveAndOneSecondsAreReleasedInTheOrderTheyAreDueAndNeverEarly() throws IOException {
        JsonNode thirty = accepted(post("/v1/queues/it-delay/tasks", "{\"d\":30}", "Levee-Delay", "30s"));
        JsonNode five = accepted(post(
                "/v1/queues/it-delay/tasks",
                "{\"d\":5}",
                "Levee-Not-Before",
                Instant.now().plusSeconds(5).toString()));
        JsonNode one = accepted(post("/v1/queues/it-delay/tasks", "{\"d\":1}", "Levee-Delay", "1s"));
        List<String> ids = List.of(
                one.get("id").asText(),
                five.get("id").asText(),
                thirty.get("id").asText());

        JsonNode queue = JSON.readTree(get("/v1/queues/it-delay").body());
        assertThat("waiting while not due", queue.get("waiting").asLong(), greaterThanOrEqualTo(1L));
        await("all released")
                .atMost(WAIT)
                .until(() -> Recording.handled.keySet().containsAll(ids));

        assertThat(
                "released in the order they are due",
                Recording.order.stream().filter(ids::contains).toList(),
                is(ids));
        for (JsonNode task : List.of(one, five, thirty)) {
            Instant due = Instant.parse(task.get("dueAt").asText());
            Instant at = Recording.handled.get(task.get("id").asText());
            assertThat("not before it is due", at.isBefore(due), is(false));
            assertThat("released soon after it is due", Duration.between(due, at), lessThan(LATE));
        }
        await("nothing waits any more")
                .atMost(WAIT)
                .until(() -> JSON.readTree(get("/v1/queues/it-delay").body())
                                .get("waiting")
                                .asLong()
                        == 0);
    }

    @Test
    void theLadderReleasesIntoAQueueThatNobodyConsumes() throws IOException {
        TaskFeed.awaitDeclared("it-delay-idle");
        long before = TestBroker.depth("it-delay-idle");
        // Long enough to be seen waiting on a loaded machine: this queue's first delayed task also waits for its rungs
        // to be declared, and a task whose time has come by then goes straight to the queue (1.5 s was too short at
        // load 21 on two cores).
        JsonNode task = accepted(post("/v1/queues/it-delay-idle/tasks", "{\"idle\":1}", "Levee-Delay", "10s"));
        Instant due = Instant.parse(task.get("dueAt").asText());

        await("waiting")
                .atMost(WAIT)
                .until(() -> JSON.readTree(get("/v1/queues/it-delay-idle").body())
                                .get("waiting")
                                .asLong()
                        == 1);
        assertThat("not in the queue before it is due", TestBroker.depth("it-delay-idle"), is(before));
        await("released").atMost(WAIT).until(() -> TestBroker.depth("it-delay-idle") == before + 1);
        assertThat(Instant.now().isBefore(due), is(false));
        List<TaskFeed.Received> released = TaskFeed.take("it-delay-idle");
        assertThat(released.getLast().header("levee-task-id"), is(task.get("id").asText()));
        assertThat(released.getLast().body(), is("{\"idle\":1}"));
    }

    @Test
    void aTaskSentStraightToTheQueueBeforeItsTimeGoesBackToWait() {
        TaskFeed.awaitDeclared("it-delay");
        String id = UUID.randomUUID().toString();
        long notBefore = System.currentTimeMillis() + 1_500;
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put("levee-submitted-at", System.currentTimeMillis());
        headers.put("levee-not-before", notBefore);
        TestBroker.publish(
                "",
                "it-delay",
                TestBroker.jsonProperties(id, headers),
                "{\"early\":1}".getBytes(StandardCharsets.UTF_8));

        await("handled").atMost(WAIT).until(() -> Recording.handled.containsKey(id));
        assertThat(Recording.handled.get(id).toEpochMilli(), greaterThanOrEqualTo(notBefore));
    }

    @Test
    void aTaskSentStraightToTheQueueDueBeyondItsMaxDelayIsDeadLettered() {
        TaskFeed.awaitDeclared("it-delay");
        String id = UUID.randomUUID().toString();
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put(
                "levee-not-before",
                System.currentTimeMillis() + Duration.ofHours(2).toMillis());
        TestBroker.publish(
                "", "it-delay", TestBroker.jsonProperties(id, headers), "{\"far\":1}".getBytes(StandardCharsets.UTF_8));

        List<TaskFeed.Received> dead = new java.util.concurrent.CopyOnWriteArrayList<>();
        await("dead-lettered").atMost(WAIT).until(() -> {
            TaskFeed.take("it-delay.dlq").stream()
                    .filter(m -> id.equals(m.header("levee-task-id")))
                    .forEach(dead::add);
            return !dead.isEmpty();
        });
        assertThat(
                dead.getFirst().header("levee-error-message"),
                containsString("further ahead than the queue's max-delay"));
        assertThat(Recording.handled.containsKey(id), is(false));
    }

    @Test
    void aBatchWithADelayGivesEveryItemTheSameDueTime() throws IOException {
        HttpResponse<String> r = post("/v1/queues/it-delay/tasks/batch", "[{\"b\":0},{\"b\":1}]", "Levee-Delay", "1s");

        assertThat(r.body(), r.statusCode(), is(202));
        for (JsonNode item : JSON.readTree(r.body()).get("results")) {
            assertThat(item.get("dueAt"), notNullValue());
            String id = item.get("id").asText();
            await("item released").atMost(WAIT).until(() -> Recording.handled.containsKey(id));
            assertThat(
                    Recording.handled
                            .get(id)
                            .isBefore(Instant.parse(item.get("dueAt").asText())),
                    is(false));
        }
    }

    @Test
    void eachItemOfABatchCanHaveItsOwnDelay() throws IOException {
        HttpResponse<String> r = post(
                "/v1/queues/it-delay/tasks/batch", "[{\"i\":0},{\"i\":1},{\"i\":2}]", "Levee-Item-Delays", "3s, 0, 1s");

        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode results = JSON.readTree(r.body()).get("results");
        assertThat("the second item is due at once", results.get(1).has("dueAt"), is(false));
        List<String> ids = new ArrayList<>();
        results.forEach(item -> ids.add(item.get("id").asText()));
        await("all released")
                .atMost(WAIT)
                .until(() -> Recording.handled.keySet().containsAll(ids));
        for (int i : new int[] {0, 2}) {
            Instant due = Instant.parse(results.get(i).get("dueAt").asText());
            assertThat(
                    "item " + i + " not before it is due",
                    Recording.handled.get(ids.get(i)).isBefore(due),
                    is(false));
        }
        assertThat(
                "released in the order they are due",
                Recording.order.stream().filter(ids::contains).toList(),
                is(List.of(ids.get(1), ids.get(2), ids.get(0))));

        HttpResponse<String> wrongCount =
                post("/v1/queues/it-delay/tasks/batch", "[{\"i\":0},{\"i\":1}]", "Levee-Item-Delays", "1s");
        assertThat(wrongCount.statusCode(), is(400));
        assertThat(wrongCount.body(), containsString("1 entries for 2 items"));
        HttpResponse<String> badItem =
                post("/v1/queues/it-delay/tasks/batch", "[{\"i\":0},{\"i\":1}]", "Levee-Item-Delays", "1s, 2h");
        assertThat(badItem.statusCode(), is(400));
        assertThat(badItem.body(), containsString("\"item\":1"));
    }

    @Test
    void badDelaysAreRefusedAndNothingIsEnqueued() {
        TaskFeed.awaitDeclared("it-delay");
        assertRefused("/v1/queues/it-delay/tasks", "Levee-Delay", "2m", "max-delay of 1m");
        assertRefused("/v1/queues/it-delay/tasks", "Levee-Delay", "later", "Levee-Delay");
        assertRefused(
                "/v1/queues/it-delay/tasks",
                "Levee-Not-Before",
                Instant.now().plusSeconds(3600).toString(),
                "max-delay");
        assertRefused("/v1/queues/it-delay/tasks", "Levee-Not-Before", "tomorrow", "Levee-Not-Before");
        assertRefused("/v1/queues/it-delay-none/tasks", "Levee-Delay", "1s", "takes no delayed tasks");
        HttpResponse<String> both = send(HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-delay/tasks"))
                .header("Content-Type", "application/json")
                .header("Levee-Delay", "5s")
                .header("Levee-Not-Before", Instant.now().plusSeconds(5).toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"bad\":true}"))
                .build());
        assertThat(both.statusCode(), is(400));
        assertThat(both.body(), containsString("not both"));
        HttpResponse<String> deadlineBeforeDue =
                send(HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-delay/tasks"))
                        .header("Content-Type", "application/json")
                        .header("Levee-Delay", "30s")
                        .header("Levee-Deadline", Instant.now().plusSeconds(10).toString())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"bad\":true}"))
                        .build());
        assertThat(deadlineBeforeDue.statusCode(), is(400));
        assertThat(deadlineBeforeDue.body(), containsString("is not after the time the task is due"));
    }

    private void assertRefused(String path, String header, String value, String detail) {
        HttpResponse<String> r = post(path, "{\"bad\":true}", header, value);
        assertThat(header + ": " + value, r.statusCode(), is(400));
        assertThat(r.body(), containsString("urn:levee:problem:invalid-request"));
        assertThat(r.body(), containsString(detail));
    }

    @Test
    void tasksOfOneFiveAndThirtySecondsAcceptedByAGatewayThatIsThenKilledAreReleasedInOrderByAnotherReplica()
            throws Exception {
        String self = base;
        Map<String, Instant> due = new HashMap<>();
        List<String> ids = new ArrayList<>();
        try (LeveeProcess gateway = LeveeProcess.start("gateway", "levee.queues.it-delay.max-delay=1m")) {
            base = gateway.base();
            await("the gateway ready")
                    .atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> get("/health/ready").statusCode() == 200);
            for (String delay : List.of("1s", "5s", "30s")) {
                JsonNode task =
                        accepted(post("/v1/queues/it-delay/tasks", "{\"gw\":\"" + delay + "\"}", "Levee-Delay", delay));
                due.put(task.get("id").asText(), Instant.parse(task.get("dueAt").asText()));
                ids.add(task.get("id").asText());
            }
            gateway.kill(); // kill -9: nothing of a waiting task may live in the gateway
        } finally {
            base = self;
        }

        await("released by this replica")
                .atMost(WAIT)
                .until(() -> Recording.handled.keySet().containsAll(due.keySet()));
        due.forEach((id, dueAt) -> assertThat(
                "task " + id + " never early", Recording.handled.get(id).isBefore(dueAt), is(false)));
        assertThat(
                "released in the order they are due",
                Recording.order.stream().filter(ids::contains).toList(),
                is(ids));
    }

    private static JsonNode accepted(HttpResponse<String> r) throws IOException {
        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode node = JSON.readTree(r.body());
        assertThat(node.get("dueAt"), notNullValue());
        return node;
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private HttpResponse<String> post(String path, String body, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
