package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.OwnBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delayed tasks survive a broker restart: tasks of 1 s, 5 s and 30 s accepted, the whole RabbitMQ node stopped and
 * started again while they wait (a node of this test's own, never the shared broker), and every one reaches its
 * handler after Levee reconnected, none before it is due, the 30 s one last.
 */
@ExtendWith(OwnBroker.class)
@HelidonTest
@AddBean(DelayRestartIT.Recording.class)
@AddConfig(key = "levee.queues.it-delay-restart.max-delay", value = "1m")
class DelayRestartIT {

    static final Duration WAIT = Duration.ofMinutes(2);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    WebTarget target;

    /** Records when each task reached the handler. */
    @ApplicationScoped
    public static class Recording {
        static final Map<String, Instant> handled = new ConcurrentHashMap<>();

        @TaskHandler("it-delay-restart")
        public void handle(String body, TaskContext task) {
            handled.putIfAbsent(task.taskId(), Instant.now());
        }
    }

    @Test
    void delayedTasksWaitThroughABrokerRestartAndAreReleasedNeverEarly() throws Exception {
        String base = "http://127.0.0.1:" + target.getUri().getPort();
        await("Levee ready").atMost(WAIT).ignoreExceptions().until(() -> get(base + "/health/ready") == 200);
        List<JsonNode> tasks = List.of(submit(base, "1s"), submit(base, "5s"), submit(base, "30s"));

        OwnBroker.restart();

        await("all released after the restart").atMost(WAIT).until(() -> tasks.stream()
                .allMatch(t -> Recording.handled.containsKey(t.get("id").asText())));
        for (JsonNode t : tasks) {
            Instant due = Instant.parse(t.get("dueAt").asText());
            assertThat(
                    "not before it is due",
                    Recording.handled.get(t.get("id").asText()).isBefore(due),
                    is(false));
        }
        Instant thirty = Recording.handled.get(tasks.get(2).get("id").asText());
        assertThat(
                "the 30 s task last",
                tasks.subList(0, 2).stream()
                        .allMatch(
                                t -> Recording.handled.get(t.get("id").asText()).isBefore(thirty)),
                is(true));
    }

    private static JsonNode submit(String base, String delay) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-delay-restart/tasks"))
                        .header("Content-Type", "application/json")
                        .header("Levee-Delay", delay)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"delay\":\"" + delay + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body(), r.statusCode(), is(202));
        JsonNode accepted = JSON.readTree(r.body());
        assertThat(accepted.get("dueAt"), notNullValue());
        return accepted;
    }

    private static int get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
