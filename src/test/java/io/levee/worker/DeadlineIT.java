package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deadlines against a real broker: a task taken after its deadline (its own, or the queue's {@code task-ttl}) is
 * dead-lettered as {@code expired} and never handled; a live one shows the handler its remaining time.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DeadlineIT.Recording.class)
@AddConfig(key = "levee.queues.it-deadline.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-deadline-ttl.task-ttl", value = "5s")
@AddConfig(key = "levee.queues.it-deadline-paused.max-length", value = "1000")
class DeadlineIT {

    static final Duration WAIT = Duration.ofSeconds(30);
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

    /** Records every task it handles with the time it had left. */
    @ApplicationScoped
    public static class Recording {
        static final Map<String, Duration> remaining = new ConcurrentHashMap<>();
        static final Map<String, Instant> deadlines = new ConcurrentHashMap<>();
        static final Set<String> handled = ConcurrentHashMap.newKeySet();
        static final Set<String> bodies = ConcurrentHashMap.newKeySet();

        @TaskHandler("it-deadline")
        public void handle(String body, TaskContext task) {
            record(body, task);
        }

        @TaskHandler("it-deadline-ttl")
        public void handleTtl(String body, TaskContext task) {
            record(body, task);
        }

        @TaskHandler("it-deadline-paused")
        public void handlePaused(String body, TaskContext task) {
            record(body, task);
        }

        private static void record(String body, TaskContext task) {
            bodies.add(body);
            task.remaining().ifPresent(r -> remaining.put(task.taskId(), r));
            task.deadline().ifPresent(d -> deadlines.put(task.taskId(), d));
            handled.add(task.taskId());
        }
    }

    @Test
    void aTaskTakenAfterItsDeadlineIsDeadLetteredAsExpiredAndNeverHandled() {
        long now = System.currentTimeMillis();
        String late = publish("it-deadline", now, now - 1_000);
        String live = publish("it-deadline", now, now + 60_000);

        await("the live task handled").atMost(WAIT).until(() -> Recording.handled.contains(live));
        TaskFeed.Received dead = awaitDeadLetter("it-deadline", late);
        assertThat(dead.header("levee-error-class"), is("expired"));
        assertThat(dead.header("levee-error-message"), containsString("after its deadline"));
        assertThat(dead.header("levee-deadline"), is(Long.toString(now - 1_000)));
        assertThat("the expired task never reached the handler", Recording.handled.contains(late), is(false));
        await("counted as expired").atMost(WAIT).until(() -> handledTotal("it-deadline", "expired") >= 1);
        assertThat(Recording.remaining.get(live), greaterThan(Duration.ZERO));
        assertThat(Recording.remaining.get(live), lessThanOrEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void theQueuesTaskTtlExpiresTasksOfProducersThatSetNoDeadline() {
        long now = System.currentTimeMillis();
        String old = publish("it-deadline-ttl", now - 60_000, 0);
        String fresh = publish("it-deadline-ttl", now, 0);

        await("the fresh task handled").atMost(WAIT).until(() -> Recording.handled.contains(fresh));
        TaskFeed.Received dead = awaitDeadLetter("it-deadline-ttl", old);
        assertThat(dead.header("levee-error-class"), is("expired"));
        assertThat(
                "the deadline is submitted-at + task-ttl",
                dead.header("levee-deadline"),
                is(Long.toString(now - 55_000)));
        assertThat(Recording.handled.contains(old), is(false));
        assertThat(Recording.deadlines.get(fresh), is(Instant.ofEpochMilli(now + 5_000)));
    }

    @Test
    void aSubmittedTtlIsAnsweredAsTheDeadlineAndTheHandlerSeesTheTimeLeft() throws IOException {
        HttpResponse<String> r = post("/v1/queues/it-deadline/tasks", "{\"a\":1}", "Levee-Ttl", "30s");

        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode accepted = JSON.readTree(r.body());
        Instant deadline = Instant.parse(accepted.get("deadline").asText());
        Instant acceptedAt = Instant.parse(accepted.get("acceptedAt").asText());
        assertThat(Duration.between(acceptedAt, deadline), lessThanOrEqualTo(Duration.ofSeconds(30)));
        assertThat(Duration.between(acceptedAt, deadline), greaterThan(Duration.ofSeconds(29)));
        String id = accepted.get("id").asText();
        await("handled").atMost(WAIT).until(() -> Recording.handled.contains(id));
        assertThat(Recording.deadlines.get(id), is(deadline.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        assertThat(Recording.remaining.get(id), greaterThan(Duration.ZERO));
        assertThat(Recording.remaining.get(id), lessThanOrEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void aTaskWaitingInAPausedQueuePastItsDeadlineExpiresWhenTheQueueResumes() throws IOException {
        assertThat(post("/v1/queues/it-deadline-paused/pause", "", null, null).statusCode(), is(200));
        HttpResponse<String> r = post(
                "/v1/queues/it-deadline-paused/tasks",
                "{\"b\":2}",
                "Levee-Deadline",
                Instant.now().plusMillis(300).toString());
        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode accepted = JSON.readTree(r.body());
        String id = accepted.get("id").asText();
        Instant deadline = Instant.parse(accepted.get("deadline").asText());
        await("the deadline passed").atMost(WAIT).until(() -> Instant.now().isAfter(deadline));

        assertThat(post("/v1/queues/it-deadline-paused/resume", "", null, null).statusCode(), is(200));
        TaskFeed.Received dead = awaitDeadLetter("it-deadline-paused", id);
        assertThat(dead.header("levee-error-class"), is("expired"));
        assertThat(dead.header("levee-deadline"), is(Long.toString(deadline.toEpochMilli())));
        assertThat(Recording.handled.contains(id), is(false));
    }

    @Test
    void badDeadlinesAreRefusedAndNothingIsEnqueued() {
        TaskFeed.awaitDeclared("it-deadline");
        String past = Instant.now().minusSeconds(5).toString();
        List<String[]> bad = List.of(
                new String[] {"Levee-Deadline", past},
                new String[] {"Levee-Deadline", "tomorrow"},
                new String[] {"Levee-Ttl", "soon"},
                new String[] {"Levee-Ttl", "0s"},
                new String[] {"Levee-Ttl", "99999999999999999999d"});
        for (String[] header : bad) {
            HttpResponse<String> r = post("/v1/queues/it-deadline/tasks", "{\"bad\":true}", header[0], header[1]);
            assertThat(header[0] + ": " + header[1], r.statusCode(), is(400));
            assertThat(r.body(), containsString("urn:levee:problem:invalid-request"));
            assertThat(r.body(), containsString(header[0]));
        }
        HttpRequest both = HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-deadline/tasks"))
                .header("Content-Type", "application/json")
                .header("Levee-Ttl", "5s")
                .header("Levee-Deadline", Instant.now().plusSeconds(60).toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"bad\":true}"))
                .build();
        HttpResponse<String> r = send(both);
        assertThat(r.statusCode(), is(400));
        assertThat(r.body(), containsString("not both"));
        // One session takes the queue in order: anything enqueued by a refused request would come before this.
        String marker = publish("it-deadline", System.currentTimeMillis(), 0);
        await("marker handled").atMost(WAIT).until(() -> Recording.handled.contains(marker));
        assertThat("no refused task was enqueued", Recording.bodies.contains("{\"bad\":true}"), is(false));
    }

    @Test
    void aBatchWithATtlGivesEveryItemTheDeadline() throws IOException {
        HttpResponse<String> r = post("/v1/queues/it-deadline/tasks/batch", "[{\"i\":0},{\"i\":1}]", "Levee-Ttl", "1h");

        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode results = JSON.readTree(r.body()).get("results");
        assertThat(results.size(), is(2));
        for (JsonNode item : results) {
            assertThat(item.get("deadline"), notNullValue());
            String id = item.get("id").asText();
            await("item handled").atMost(WAIT).until(() -> Recording.handled.contains(id));
            assertThat(Recording.remaining.get(id), greaterThan(Duration.ofMinutes(59)));
        }
    }

    private static String publish(String queue, long submittedAt, long deadline) {
        TaskFeed.awaitDeclared(queue);
        String id = UUID.randomUUID().toString();
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put("levee-submitted-at", submittedAt);
        if (deadline > 0) {
            headers.put("levee-deadline", deadline);
        }
        TestBroker.publish(
                "", queue, TestBroker.jsonProperties(id, headers), "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        return id;
    }

    private static TaskFeed.Received awaitDeadLetter(String queue, String id) {
        List<TaskFeed.Received> found = new java.util.concurrent.CopyOnWriteArrayList<>();
        await("dead-lettered").atMost(WAIT).until(() -> {
            TaskFeed.take(queue + ".dlq").stream()
                    .filter(m -> id.equals(m.header("levee-task-id")))
                    .forEach(found::add);
            return !found.isEmpty();
        });
        assertThat(found, hasSize(1));
        return found.getFirst();
    }

    /** {@code levee_tasks_handled_total} of a queue and outcome, from the Prometheus scrape. */
    private double handledTotal(String queue, String outcome) {
        return get("/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("levee_tasks_handled_total{")
                        && l.contains("queue=\"" + queue + "\"")
                        && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private HttpResponse<String> post(String path, String body, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        return send(b.build());
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
