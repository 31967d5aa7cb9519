package io.levee.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.DownstreamStub;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Adaptive delivery end to end against a real broker, a real HTTP downstream ({@link DownstreamStub}) and the
 * delivery budget shared in Redis ({@code LEVEE_TEST_REDIS_URI}): the rate follows a slowed downstream down and back
 * up, and a failing downstream opens the circuit, during which tasks wait in the queue without spending attempts.
 */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddConfig(key = "levee.limits.redis-uri", value = "${levee.test.redis.uri:redis://127.0.0.1:6379}")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.url", value = "${levee.test.downstream.url}/slow")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.max-rate", value = "40")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.max-in-flight", value = "8")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.adaptive.latency-threshold", value = "150ms")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.adaptive.latency-window", value = "2s")
@AddConfig(key = "levee.queues.it-adaptive-slow.delivery.adaptive.increase-per-second", value = "10")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.url", value = "${levee.test.downstream.url}/failing")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.max-rate", value = "50")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.max-in-flight", value = "2")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.circuit.volume", value = "4")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.circuit.error-ratio", value = "50")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.circuit.delay", value = "500ms")
@AddConfig(key = "levee.queues.it-adaptive-failing.delivery.circuit.success-threshold", value = "1")
@AddConfig(key = "levee.queues.it-adaptive-failing.retry-delays", value = "100ms,100ms,100ms,100ms,100ms")
@AddConfig(key = "levee.queues.it-adaptive-throttled.delivery.url", value = "${levee.test.downstream.url}/throttled")
@AddConfig(key = "levee.queues.it-adaptive-throttled.delivery.max-rate", value = "20")
@AddConfig(key = "levee.queues.it-adaptive-throttled.delivery.max-in-flight", value = "1")
@AddConfig(key = "levee.queues.it-adaptive-throttled.retry-delays", value = "100ms")
class AdaptiveDeliveryIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        await("Levee ready").atMost(DEADLINE).until(() -> get("/health/ready").statusCode() == 200);
    }

    @Test
    void theRateFollowsASlowedDownstreamDownAndBackUp() throws Exception {
        assertThat(delivery("it-adaptive-slow").get("rate").asDouble(), is(40.0));
        assertThat(
                "levee.limits.redis-uri is set",
                delivery("it-adaptive-slow").get("budget").asText(),
                is("shared"));
        assertThat(get("/health/ready").body(), containsString("\"it-adaptive-slow\":\"shared\""));
        DownstreamStub.delay("/slow", Duration.ofMillis(400));
        List<String> ids = TaskFeed.publish("it-adaptive-slow", 300);

        await("rate cut below half of max-rate")
                .atMost(DEADLINE)
                .until(() -> delivery("it-adaptive-slow").get("rate").asDouble() <= 20.0);
        assertThat(delivery("it-adaptive-slow").get("cuts").asLong(), greaterThanOrEqualTo(1L));
        long deliveredWhileSlow = DownstreamStub.arrivals("/slow").size();
        assertThat("a backlog is left to deliver", deliveredWhileSlow, lessThan(300L));

        DownstreamStub.delay("/slow", Duration.ZERO);

        await("rate back at max-rate")
                .atMost(DEADLINE)
                .until(() -> delivery("it-adaptive-slow").get("rate").asDouble() == 40.0);
        await("every task delivered").atMost(DEADLINE).until(() -> keys("/slow").containsAll(ids));
        await("acknowledged").atMost(DEADLINE).until(() -> TestBroker.depth("it-adaptive-slow") == 0);
        String metrics = get("/metrics?scope=application").body();
        assertThat(metrics, containsString("levee_delivery_rate{"));
        assertThat(metrics, containsString("levee_delivery_rate_cuts_total{"));
        assertThat(metrics, containsString("levee_delivery_circuit_state{"));
        assertThat(
                "every cut counted", metric(metrics, "levee_delivery_rate_cuts_total", "it-adaptive-slow"), is((double)
                        delivery("it-adaptive-slow").get("cuts").asLong()));
    }

    @Test
    void aFailingDownstreamOpensTheCircuitAndWaitingTasksSpendNoAttempt() throws Exception {
        DownstreamStub.always("/failing", 503);
        List<String> ids = TaskFeed.publish("it-adaptive-failing", 20);

        await("circuit opened, and opened again after a failed probe")
                .atMost(DEADLINE)
                .until(() ->
                        delivery("it-adaptive-failing").get("circuitOpened").asLong() >= 2);
        assertThat(delivery("it-adaptive-failing").get("circuit").asText(), is("open"));
        assertThat(
                "each opening counted",
                metric(
                        get("/metrics?scope=application").body(),
                        "levee_delivery_circuit_opened_total",
                        "it-adaptive-failing"),
                greaterThanOrEqualTo(2.0));
        Set<String> ours = Set.copyOf(ids);
        long failedRequests = DownstreamStub.arrivals("/failing").stream()
                .filter(a -> ours.contains(a.header("Idempotency-Key")))
                .count();

        DownstreamStub.always("/failing", 200);

        await("every task delivered").atMost(DEADLINE).until(() -> okKeys("/failing")
                .containsAll(ids));
        await("acknowledged").atMost(DEADLINE).until(() -> TestBroker.depth("it-adaptive-failing") == 0);
        assertThat(delivery("it-adaptive-failing").get("circuit").asText(), is("closed"));
        assertThat(
                "nothing dead-lettered",
                TaskFeed.take("it-adaptive-failing.dlq").stream()
                        .filter(r -> ours.contains(r.header("levee-task-id")))
                        .toList(),
                is(empty()));
        Map<String, Long> attempts = DownstreamStub.arrivals("/failing").stream()
                .filter(a -> a.answered() == 200 && ours.contains(a.header("Idempotency-Key")))
                .collect(Collectors.toMap(
                        a -> a.header("Idempotency-Key"), a -> Long.parseLong(a.header("Levee-Attempt")), Math::max));
        long firstAttempt = attempts.values().stream().filter(a -> a == 1L).count();
        assertThat(
                "tasks that waited while the circuit was open arrive on attempt 1 (failed requests: " + failedRequests
                        + ", attempts " + attempts + ")",
                firstAttempt,
                greaterThanOrEqualTo(20 - failedRequests));
        assertThat("the circuit held most tasks back", failedRequests, lessThan(20L));
    }

    @Test
    void aTooManyRequestsAnswerCutsTheRateAndItsRetryAfterHoldsEveryRequest() throws Exception {
        DownstreamStub.script("/throttled", 429);
        DownstreamStub.retryAfter("/throttled", "1");
        List<String> ids = TaskFeed.publish("it-adaptive-throttled", 5);

        await("every task delivered").atMost(DEADLINE).until(() -> okKeys("/throttled")
                .containsAll(ids));
        List<DownstreamStub.Arrival> arrivals = DownstreamStub.arrivals("/throttled");
        assertThat(arrivals.getFirst().answered(), is(429));
        assertThat(
                "the next request waited out the Retry-After of 1 s",
                Duration.ofNanos(arrivals.get(1).nanos() - arrivals.getFirst().nanos()),
                greaterThanOrEqualTo(Duration.ofMillis(950)));
        JsonNode pace = delivery("it-adaptive-throttled");
        assertThat("the 429 cut the rate: " + pace, pace.get("cuts").asLong(), greaterThanOrEqualTo(1L));
        assertThat(get("/metrics?scope=application").body(), containsString("levee_delivery_rate_cuts_total{"));
    }

    /** The value of metric {@code name} tagged with {@code queue} in a Prometheus scrape; fails when it is absent. */
    private static double metric(String scrape, String name, String queue) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("queue=\"" + queue + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " for " + queue + " in the scrape"));
    }

    private JsonNode delivery(String queue) {
        try {
            HttpResponse<String> r = get("/v1/queues/" + queue);
            assertThat(r.body(), r.statusCode(), is(200));
            return JSON.readTree(r.body()).get("delivery");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> keys(String path) {
        return DownstreamStub.arrivals(path).stream()
                .map(a -> a.header("Idempotency-Key"))
                .collect(Collectors.toSet());
    }

    private static Set<String> okKeys(String path) {
        return DownstreamStub.arrivals(path).stream()
                .filter(a -> a.answered() == 200)
                .map(a -> a.header("Idempotency-Key"))
                .collect(Collectors.toSet());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + target.getUri().getPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
