package io.levee.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A shared delivery budget whose Redis does not answer (port 1 refuses every connection): the replica falls back to
 * its share, {@code max-rate / replicas}, keeps delivering at no more than that, says so once in its log, in
 * {@code GET /v1/queues/{queue}} and in the readiness check, and stays ready.
 */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddConfig(key = "levee.limits.redis-uri", value = "redis://127.0.0.1:1")
@AddConfig(key = "levee.limits.replicas", value = "2")
@AddConfig(key = "levee.queues.it-budget-fallback.delivery.url", value = "${levee.test.downstream.url}/fallback")
@AddConfig(key = "levee.queues.it-budget-fallback.delivery.max-rate", value = "20")
@AddConfig(key = "levee.queues.it-budget-fallback.delivery.max-in-flight", value = "4")
@AddConfig(key = "levee.queues.it-budget-fallback.delivery.adaptive.enabled", value = "false")
class BudgetFallbackIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    /** Held here so that the logger, and the handler on it, outlive any collection of unreferenced loggers. */
    static final Logger BUDGET_LOG = Logger.getLogger("io.levee.limits.SharedBudget");

    static final List<LogRecord> WARNINGS = new CopyOnWriteArrayList<>();
    static final Handler RECORDER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                WARNINGS.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @Inject
    WebTarget target;

    @BeforeAll
    static void record() {
        BUDGET_LOG.addHandler(RECORDER);
    }

    @AfterAll
    static void stopRecording() {
        BUDGET_LOG.removeHandler(RECORDER);
    }

    @Test
    void unreachableRedisFallsBackToTheReplicasShareLogsOnceAndShowsItInHealth() throws Exception {
        await("Levee ready").atMost(DEADLINE).until(() -> get("/health/ready").statusCode() == 200);
        // 60 tasks at the share of 10/s take 6 s: longer than the 5 s after which Redis is tried again.
        List<String> ids = TaskFeed.publish("it-budget-fallback", 60);

        await("every task delivered without Redis")
                .atMost(DEADLINE)
                .until(() -> DownstreamStub.arrivals("/fallback").stream()
                        .map(a -> a.header("Idempotency-Key"))
                        .collect(Collectors.toSet())
                        .containsAll(ids));

        Set<String> ours = Set.copyOf(ids);
        List<Long> times = DownstreamStub.arrivals("/fallback").stream()
                .filter(a -> ours.contains(a.header("Idempotency-Key")))
                .map(DownstreamStub.Arrival::nanos)
                .sorted()
                .toList();
        assertThat(
                "arrivals in the busiest second at the share of 20/s over 2 replicas",
                DeliveryIT.busiestSecond(times),
                lessThanOrEqualTo(11));
        assertThat(
                "60 tasks at 10/s take about 6 s",
                times.getLast() - times.getFirst(),
                greaterThanOrEqualTo(Duration.ofMillis(5_500).toNanos()));

        var delivery =
                JSON.readTree(get("/v1/queues/it-budget-fallback").body()).get("delivery");
        assertThat(delivery.get("budget").asText(), is("fallback"));
        HttpResponse<String> ready = get("/health/ready");
        assertThat("delivery goes on, so the replica stays ready", ready.statusCode(), is(200));
        assertThat(ready.body(), containsString("\"it-budget-fallback\":\"fallback\""));
        List<String> fallbacks = WARNINGS.stream()
                .map(LogRecord::getMessage)
                .filter(m -> m.contains("'it-budget-fallback'") && m.contains("unreachable in Redis"))
                .toList();
        assertThat("logged once, though Redis was tried again and failed: " + fallbacks, fallbacks.size(), is(1));
        assertThat(fallbacks.getFirst(), containsString("20.0/s / 2 replicas = 10.0/s"));
        await("acknowledged").atMost(DEADLINE).until(() -> TestBroker.depth("it-budget-fallback") == 0);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + target.getUri().getPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
