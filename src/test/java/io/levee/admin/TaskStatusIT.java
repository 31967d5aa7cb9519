package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.PermanentTaskFailure;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Location of a 202: a task's status as it walks through its attempts, observed through the endpoint. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(TaskStatusIT.Stepped.class)
@AddBean(TaskStatusIT.Doomed.class)
@AddBean(TaskStatusIT.Verbose.class)
@AddConfig(key = "levee.queues.it-ops-status.retry-delays", value = "2s")
@AddConfig(key = "levee.queues.it-ops-status-dead.max-length", value = "100")
@AddConfig(key = "levee.queues.it-ops-status-short.status-ttl", value = "1s")
@AddConfig(key = "levee.queues.it-ops-status-off.status", value = "false")
@AddConfig(key = "levee.queues.it-ops-status-big.max-length", value = "100")
class TaskStatusIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    OperationsClient api;

    @BeforeEach
    void ready() {
        api = new OperationsClient("http://127.0.0.1:" + target.getUri().getPort());
        api.awaitReady();
    }

    /** Each attempt waits for a permit; the first fails, the second returns a result. */
    @ApplicationScoped
    public static class Stepped {
        static final Semaphore step = new Semaphore(0);

        @TaskHandler(queue = "it-ops-status")
        public Map<String, Object> handle(String body, TaskContext task) throws InterruptedException {
            if (!step.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never stepped");
            }
            if (task.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return Map.of("ok", true, "attempt", task.attempt());
        }
    }

    /** Fails every task for good. */
    @ApplicationScoped
    public static class Doomed {
        @TaskHandler(queue = "it-ops-status-dead")
        public void handle(String body) {
            throw new PermanentTaskFailure("no such order");
        }
    }

    /** Returns a result over the 4 KiB a status keeps (levee.state.result-max-size). */
    @ApplicationScoped
    public static class Verbose {
        @TaskHandler(queue = "it-ops-status-big")
        public Map<String, Object> handle(String body) {
            return Map.of("report", "x".repeat(5_000));
        }
    }

    @Test
    void aResultOverTheSizeLimitIsLeftOutAndSaysSo() {
        TaskFeed.awaitDeclared("it-ops-status-big");
        String location =
                api.post("/v1/queues/it-ops-status-big/tasks", "{\"order\":3}").header("Location");
        JsonNode done = awaitState(location, "succeeded", 1);
        assertThat("no result kept", done.has("result"), is(false));
        assertThat(done.get("resultOmitted").asText(), startsWith("50"));
        assertThat(done.get("resultOmitted").asText(), endsWith("bytes, over levee.state.result-max-size"));
    }

    @Test
    void aTaskWalksFromAcceptedThroughProcessingAndRetryingToSucceeded() {
        TaskFeed.awaitDeclared("it-ops-status");
        assertThat(api.post("/v1/queues/it-ops-status/pause", "").status(), is(200));
        OperationsClient.Answer accepted = api.post("/v1/queues/it-ops-status/tasks", "{\"order\":1}");
        assertThat(accepted.status(), is(202));
        String location = accepted.header("Location");

        OperationsClient.Answer first = api.get(location);
        assertThat(first.raw().body(), first.status(), is(200));
        assertThat(first.json().get("state").asText(), is("accepted"));
        assertThat(first.json().get("attempts").asInt(), is(0));
        assertThat(first.header("Retry-After"), notNullValue());
        String etag = first.header("ETag");
        assertThat(api.get(location, "If-None-Match", etag).status(), is(304));

        assertThat(api.post("/v1/queues/it-ops-status/resume", "").status(), is(200));
        awaitState(location, "processing", 1);
        assertThat(
                "the status changed, so the ETag did",
                api.get(location).header("ETag").equals(etag),
                is(false));
        Stepped.step.release();
        JsonNode retrying = awaitState(location, "retrying", 1);
        assertThat(retrying.get("lastError").get("class").asText(), is(IllegalStateException.class.getName()));
        assertThat(retrying.get("lastError").get("message").asText(), is("first attempt fails"));
        awaitState(location, "processing", 2);
        Stepped.step.release();
        JsonNode done = awaitState(location, "succeeded", 2);
        assertThat(done.get("result").get("ok").asBoolean(), is(true));
        assertThat(done.get("result").get("attempt").asInt(), is(2));
        assertThat(done.has("finishedAt"), is(true));
        assertThat(done.has("acceptedAt"), is(true));
        assertThat("final: no Retry-After", api.get(location).header("Retry-After"), nullValue());
    }

    @Test
    void anotherWalksToDead() {
        TaskFeed.awaitDeclared("it-ops-status-dead");
        String location =
                api.post("/v1/queues/it-ops-status-dead/tasks", "{\"order\":2}").header("Location");
        JsonNode dead = awaitState(location, "dead", 1);
        assertThat(dead.get("lastError").get("class").asText(), is(PermanentTaskFailure.class.getName()));
        assertThat(dead.get("lastError").get("message").asText(), is("no such order"));
        assertThat(api.get(location).header("Retry-After"), nullValue());
    }

    @Test
    void unknownExpiredAndUntrackedTasksAre404() {
        TaskFeed.awaitDeclared("it-ops-status-short");
        OperationsClient.Answer unknown = api.get("/v1/queues/it-ops-status-dead/tasks/no-such-task");
        assertThat(unknown.status(), is(404));
        assertThat(unknown.json().get("type").asText(), is("urn:levee:problem:task-not-found"));
        assertThat(api.get("/v1/queues/it-ops-nope/tasks/x").status(), is(404));

        String shortLived =
                api.post("/v1/queues/it-ops-status-short/tasks", "{}").header("Location");
        assertThat(api.get(shortLived).status(), is(200));
        await("404 after the status TTL")
                .atMost(DEADLINE)
                .until(() -> api.get(shortLived).status() == 404);

        OperationsClient.Answer off = api.post("/v1/queues/it-ops-status-off/tasks", "{}");
        assertThat(off.status(), is(202));
        assertThat(api.get(off.header("Location")).status(), is(404));
    }

    private JsonNode awaitState(String location, String state, int attempts) {
        JsonNode[] seen = new JsonNode[1];
        await(location + " " + state + " after " + attempts + " attempt(s)")
                .atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    OperationsClient.Answer a = api.get(location);
                    if (a.status() != 200) {
                        return false;
                    }
                    seen[0] = a.json();
                    return seen[0].get("state").asText().equals(state)
                            && seen[0].get("attempts").asInt() == attempts;
                });
        return seen[0];
    }
}
