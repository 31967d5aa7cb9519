package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.DownstreamStub;
import io.levee.testing.LeveeProcess;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Limits changed at runtime: delivery pace and ingest ceiling follow, configured values stay visible. */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-ops-limits.delivery.url", value = "${levee.test.downstream.url}/limits")
@AddConfig(key = "levee.queues.it-ops-limits.delivery.max-rate", value = "200")
@AddConfig(key = "levee.queues.it-ops-limits.concurrency", value = "4")
@AddConfig(key = "levee.queues.it-ops-ingest.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-ops-inflight.delivery.url", value = "${levee.test.downstream.url}/inflight")
@AddConfig(key = "levee.queues.it-ops-inflight.delivery.max-rate", value = "200")
@AddConfig(key = "levee.queues.it-ops-inflight.delivery.max-in-flight", value = "16")
@AddConfig(key = "levee.queues.it-ops-inflight.concurrency", value = "4")
class LimitsIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    OperationsClient api;

    @BeforeEach
    void ready() {
        api = new OperationsClient("http://127.0.0.1:" + target.getUri().getPort());
        api.awaitReady();
    }

    @Test
    void aLowerDeliveryRateSetAtRuntimeSpacesTheRequestsAndNullRestoresTheConfiguredOne() {
        JsonNode before = api.get("/v1/queues/it-ops-limits/limits").json();
        assertThat(before.get("configured").get("deliveryMaxRate").asDouble(), is(200.0));
        assertThat(before.get("current").get("deliveryMaxRate").asDouble(), is(200.0));
        assertThat(before.get("survivesRestart").asBoolean(), is(false));

        OperationsClient.Answer set = api.put("/v1/queues/it-ops-limits/limits", "{\"deliveryMaxRate\": 4}");
        assertThat(set.raw().body(), set.status(), is(200));
        assertThat(set.json().get("current").get("deliveryMaxRate").asDouble(), is(4.0));
        assertThat(set.json().get("configured").get("deliveryMaxRate").asDouble(), is(200.0));

        TaskFeed.publish("it-ops-limits", 6);
        await("six delivered")
                .atMost(DEADLINE)
                .until(() -> DownstreamStub.arrivals("/limits").size() == 6);
        List<DownstreamStub.Arrival> arrivals = DownstreamStub.arrivals("/limits");
        // 4/s spaces request starts 250 ms apart. The first request also opens the connection, so it arrives late
        // and the gap after it is short: the gaps are measured from the second request on.
        for (int i = 2; i < arrivals.size(); i++) {
            long gapMs = (arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1_000_000;
            assertThat("gap before request " + i, gapMs, greaterThanOrEqualTo(200L));
        }

        JsonNode reset = api.put("/v1/queues/it-ops-limits/limits", "{\"deliveryMaxRate\": null}")
                .json();
        assertThat(reset.get("current").get("deliveryMaxRate").asDouble(), is(200.0));
    }

    @Test
    void aLowerInFlightBoundSetAtRuntimeSerialisesTheRequests() {
        DownstreamStub.delay("/inflight", Duration.ofMillis(300));
        OperationsClient.Answer set = api.put("/v1/queues/it-ops-inflight/limits", "{\"deliveryMaxInFlight\": 1}");
        assertThat(set.raw().body(), set.status(), is(200));
        assertThat(set.json().get("current").get("deliveryMaxInFlight").asInt(), is(1));
        assertThat(set.json().get("configured").get("deliveryMaxInFlight").asInt(), is(16));

        TaskFeed.publish("it-ops-inflight", 4);
        await("four delivered")
                .atMost(DEADLINE)
                .until(() -> DownstreamStub.arrivals("/inflight").size() == 4);
        List<DownstreamStub.Arrival> arrivals = DownstreamStub.arrivals("/inflight");
        // Four sessions hold a task each; with one request in flight each waits for the 300 ms answer before it.
        for (int i = 1; i < arrivals.size(); i++) {
            long gapMs = (arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1_000_000;
            assertThat("gap before request " + i, gapMs, greaterThanOrEqualTo(250L));
        }
        assertThat(
                api.put("/v1/queues/it-ops-inflight/limits", "{\"deliveryMaxInFlight\": null}")
                        .json()
                        .get("current")
                        .get("deliveryMaxInFlight")
                        .asInt(),
                is(16));
    }

    @Test
    void aChangeMadeOnOneReplicaIsEnforcedOnAnotherAndNullRestoresItThere() throws Exception {
        Config config = ConfigProvider.getConfig();
        try (LeveeProcess second = LeveeProcess.start(
                "gateway",
                "levee.queues.it-ops-limits.delivery.url="
                        + config.getValue("levee.queues.it-ops-limits.delivery.url", String.class),
                "levee.queues.it-ops-limits.delivery.max-rate=200",
                "levee.queues.it-ops-ingest.max-length=1000")) {
            OperationsClient other = new OperationsClient(second.base());
            other.awaitReady();
            assertThat(
                    api.put("/v1/queues/it-ops-limits/limits", "{\"deliveryMaxRate\": 7}")
                            .status(),
                    is(200));
            assertThat(
                    api.put("/v1/queues/it-ops-ingest/limits", "{\"ingestMaxRate\": 1}")
                            .status(),
                    is(200));
            await("the other replica applies both")
                    .atMost(DEADLINE)
                    .until(() -> current(other, "it-ops-limits", "deliveryMaxRate") == 7.0
                            && current(other, "it-ops-ingest", "ingestMaxRate") == 1.0);
            int refused = 0;
            for (int i = 0; i < 5; i++) {
                if (other.post("/v1/queues/it-ops-ingest/tasks", "{}").status() == 429) {
                    refused++;
                }
            }
            assertThat("the other replica enforces the ceiling: a burst of 5 at 1/s", refused, greaterThanOrEqualTo(3));

            assertThat(
                    api.put("/v1/queues/it-ops-limits/limits", "{\"deliveryMaxRate\": null}")
                            .status(),
                    is(200));
            assertThat(
                    api.put("/v1/queues/it-ops-ingest/limits", "{\"ingestMaxRate\": null}")
                            .status(),
                    is(200));
            await("the other replica is back to the configured values")
                    .atMost(DEADLINE)
                    .until(() -> current(other, "it-ops-limits", "deliveryMaxRate") == 200.0
                            && current(other, "it-ops-ingest", "ingestMaxRate") == 0.0);
        }
    }

    private static double current(OperationsClient replica, String queue, String limit) {
        JsonNode current = replica.get("/v1/queues/" + queue + "/limits").json().get("current");
        return current.has(limit) ? current.get(limit).asDouble() : 0.0;
    }

    @Test
    void anIngestCeilingSetAtRuntimeRefusesTheExcessAndZeroLiftsIt() {
        TaskFeed.awaitDeclared("it-ops-ingest");
        assertThat(
                api.put("/v1/queues/it-ops-ingest/limits", "{\"ingestMaxRate\": 1}")
                        .status(),
                is(200));
        assertThat(
                api.get("/v1/queues/it-ops-ingest").json().get("ingestMaxRate").asDouble(), is(1.0));
        int refused = 0;
        for (int i = 0; i < 5; i++) {
            OperationsClient.Answer a = api.post("/v1/queues/it-ops-ingest/tasks", "{}");
            if (a.status() == 429) {
                refused++;
                assertThat(a.json().get("type").asText(), is("urn:levee:problem:rate-limited"));
            }
        }
        assertThat("a burst of 5 at 1/s is mostly refused", refused, greaterThanOrEqualTo(3));

        assertThat(
                api.put("/v1/queues/it-ops-ingest/limits", "{\"ingestMaxRate\": 0}")
                        .status(),
                is(200));
        for (int i = 0; i < 5; i++) {
            assertThat(api.post("/v1/queues/it-ops-ingest/tasks", "{}").status(), is(202));
        }
    }

    @Test
    void badChangesAreRefusedAndChangeNothing() {
        OperationsClient.Answer a = api.put("/v1/queues/it-ops-ingest/limits", "{\"deliveryMaxRate\": 5}");
        assertThat("no built-in delivery on this queue", a.status(), is(400));
        assertThat(a.json().get("type").asText(), is("urn:levee:problem:invalid-request"));
        assertThat(
                api.put("/v1/queues/it-ops-limits/limits", "{\"deliveryMaxInFlight\": 0}")
                        .status(),
                is(400));
        assertThat(api.put("/v1/queues/it-ops-limits/limits", "{\"speed\": 5}").status(), is(400));
        assertThat(api.put("/v1/queues/it-ops-nope/limits", "{}").status(), is(404));
        assertThat(
                api.get("/v1/queues/it-ops-limits/limits")
                        .json()
                        .get("current")
                        .get("deliveryMaxInFlight")
                        .asInt(),
                is(16));
    }
}
