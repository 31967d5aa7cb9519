package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import io.levee.testing.LeveeProcess;
import io.levee.testing.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * What {@code levee.state.redis-uri} adds, seen through the API of replicas in JVMs of their own (no replica of the
 * test JVM, which could hand state over): operator-set pause and limits survive a restart of every replica, and they
 * do not without Redis; a task handled by a worker shows {@code succeeded} on a gateway that never ran it.
 */
@ExtendWith(TestBroker.class)
class SharedStateIT {

    static final Duration START = Duration.ofMinutes(2);
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String REDIS = System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379/7");
    static final String PREFIX = "levee-it-shared-state:" + UUID.randomUUID() + ":";
    static final String QUEUE = "it-ops-state";
    static final String HANDLED = "it-ops-state-handled";

    @AfterAll
    static void forget() {
        try (JedisPooled redis = new JedisPooled(REDIS)) {
            redis.keys(PREFIX + "*").forEach(redis::del);
        }
    }

    @Test
    void pauseAndLimitsSurviveARestartOfEveryReplicaOnlyWithRedis() throws Exception {
        try (LeveeProcess first = replica("gateway", true)) {
            OperationsClient api = ready(first);
            JsonNode limits = api.get("/v1/queues/" + QUEUE + "/limits").json();
            assertThat(
                    "the answer says changes would survive",
                    limits.get("survivesRestart").asBoolean(),
                    is(true));
            assertThat(
                    api.put("/v1/queues/" + QUEUE + "/limits", "{\"ingestMaxRate\": 7}")
                            .status(),
                    is(200));
            assertThat(api.post("/v1/queues/" + QUEUE + "/pause", "").status(), is(200));
        }

        try (LeveeProcess restarted = replica("gateway", true)) {
            OperationsClient api = ready(restarted);
            assertThat("paused again", paused(api), is(true));
            assertThat("the runtime ingest limit again", currentIngestMaxRate(api), is(7.0));
            assertThat(restarted.output().contains("Restored the operator-set state of"), is(true));
        }

        try (LeveeProcess withoutRedis = replica("gateway", false)) {
            OperationsClient api = ready(withoutRedis);
            assertThat(
                    api.get("/v1/queues/" + QUEUE + "/limits")
                            .json()
                            .get("survivesRestart")
                            .asBoolean(),
                    is(false));
            assertThat(
                    "without Redis the queue runs as configured; its log:\n" + withoutRedis.output(),
                    paused(api),
                    is(false));
            assertThat(currentIngestMaxRate(api), is(0.0));
        }
    }

    @Test
    void aTaskHandledByAWorkerIsSucceededOnAGatewayThatNeverRanIt() throws Exception {
        try (LeveeProcess gateway = replica("gateway", true);
                LeveeProcess worker = replica("worker", true)) {
            OperationsClient api = ready(gateway);
            ready(worker);
            OperationsClient.Answer accepted = api.post("/v1/queues/" + HANDLED + "/tasks", "{\"order\":1}");
            assertThat(accepted.raw().body(), accepted.status(), is(202));
            String location = accepted.header("Location");
            await("the gateway shows the worker's outcome").atMost(DEADLINE).until(() -> {
                OperationsClient.Answer a = api.get(location);
                return a.status() == 200 && a.json().get("state").asText().equals("succeeded");
            });
            assertThat(api.get(location).json().get("attempts").asInt(), is(1));
        }
    }

    /** A replica knowing both queues; the worker runs the demo handler on {@link #HANDLED}. */
    private static LeveeProcess replica(String role, boolean redis) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "levee.queues." + QUEUE + ".max-length=1000",
                "levee.queues." + HANDLED + ".max-length=1000",
                "levee.demo.enabled=true",
                "levee.demo.queue=" + HANDLED,
                "levee.demo.log=false",
                "levee.state.key-prefix=" + PREFIX));
        if (redis) {
            settings.add("levee.state.redis-uri=" + REDIS);
        }
        return LeveeProcess.start(role, settings.toArray(String[]::new));
    }

    private static OperationsClient ready(LeveeProcess replica) {
        OperationsClient api = new OperationsClient(replica.base());
        await("replica ready")
                .atMost(START)
                .ignoreExceptions()
                .until(() -> api.get("/health/ready").status() == 200);
        return api;
    }

    private static boolean paused(OperationsClient api) {
        return api.get("/v1/queues/" + QUEUE).json().get("paused").asBoolean();
    }

    private static double currentIngestMaxRate(OperationsClient api) {
        JsonNode current = api.get("/v1/queues/" + QUEUE + "/limits").json().get("current");
        return current.has("ingestMaxRate") ? current.get("ingestMaxRate").asDouble() : 0.0;
    }
}
