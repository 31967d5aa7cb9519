package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.DownstreamStub;
import io.levee.testing.TestBroker;
import io.levee.worker.PermanentTaskFailure;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric of the contract (docs/observability.md) moves by the amount the traffic says, read from
 * {@code /metrics} in Prometheus text as a scraper reads it.
 */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddBean(MetricsIT.Gated.class)
@AddBean(MetricsIT.Failing.class)
@AddConfig(key = "levee.metrics.broker-sample-interval", value = "100ms")
@AddConfig(key = "levee.ingest.max-body-size", value = "1KiB")
@AddConfig(key = "levee.queues.it-metrics-work.concurrency", value = "1")
@AddConfig(key = "levee.queues.it-metrics-work.prefetch", value = "1")
@AddConfig(key = "levee.queues.it-metrics-fail.retry-delays", value = "100ms")
@AddConfig(key = "levee.queues.it-metrics-limited.ingest.max-rate", value = "1")
@AddConfig(key = "levee.queues.it-metrics-full.max-length", value = "2")
@AddConfig(key = "levee.queues.it-metrics-delivery.delivery.url", value = "${levee.test.downstream.url}/metrics")
@AddConfig(key = "levee.queues.it-metrics-delivery.retry-delays", value = "100ms")
class MetricsIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final int BURST = 20;

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        await("Levee ready").atMost(DEADLINE).until(() -> get("/health/ready") == 200);
    }

    @Test
    void aBurstMovesIngestWorkerAndBrokerMetricsByItsSize() {
        String q = "it-metrics-work";
        Scrape before = Scrape.of(target);
        assertThat("connected", before.value("levee_broker_connected", Map.of()), is(1.0));
        assertThat("not blocked", before.value("levee_broker_blocked", Map.of()), is(0.0));

        for (int i = 0; i < BURST; i++) {
            assertThat(submit(q, "{\"n\":" + i + "}"), is(202));
        }
        // One task runs (held by the gate), the rest wait in the queue: prefetch 1, one session.
        await("depth above zero and one in flight").atMost(DEADLINE).until(() -> {
            Scrape s = Scrape.of(target);
            return s.queue("levee_queue_depth", q) > 0 && s.queue("levee_tasks_in_flight", q) == 1;
        });
        Scrape held = Scrape.of(target);
        assertThat("consumers", held.queue("levee_queue_consumers", q), is(1.0));
        Gated.open.countDown();

        await("all handled")
                .atMost(DEADLINE)
                .until(() -> delta(
                                before,
                                Scrape.of(target),
                                "levee_tasks_handled_total",
                                Map.of("queue", q, "outcome", "succeeded"))
                        == BURST);
        await("depth back to zero")
                .atMost(DEADLINE)
                .until(() -> Scrape.of(target).queue("levee_queue_depth", q) == 0);
        Scrape after = Scrape.of(target);
        Map<String, String> queue = Map.of("queue", q);
        assertThat("accepted", delta(before, after, "levee_tasks_accepted_total", queue), is((double) BURST));
        assertThat(
                "publish confirms timed",
                delta(before, after, "levee_publish_confirm_seconds_count", queue),
                is((double) BURST));
        assertThat(
                "confirm time recorded",
                delta(before, after, "levee_publish_confirm_seconds_sum", queue),
                greaterThan(0.0));
        // No client-side quantiles for the confirm timer (recorded on every request): its buckets are its quantiles.
        assertThat(
                "confirm histogram buckets for histogram_quantile",
                delta(before, after, "levee_publish_confirm_seconds_bucket", Map.of("queue", q, "le", "+Inf")),
                is((double) BURST));
        assertThat("handlers timed", delta(before, after, "levee_handler_duration_seconds_count", queue), is((double)
                BURST));
        assertThat("waits timed", delta(before, after, "levee_task_wait_seconds_count", queue), is((double) BURST));
        // The last task waited at least as long as the gate was closed.
        assertThat("wait recorded", after.queue("levee_task_wait_seconds_max", q), greaterThan(0.0));
        assertThat("nothing in flight", after.queue("levee_tasks_in_flight", q), is(0.0));
        assertThat(
                "wait histogram buckets for histogram_quantile",
                delta(before, after, "levee_task_wait_seconds_bucket", Map.of("queue", q, "le", "+Inf")),
                is((double) BURST));
        for (String outcome : new String[] {"retried", "dead-lettered", "returned"}) {
            assertThat(
                    outcome,
                    delta(before, after, "levee_tasks_handled_total", Map.of("queue", q, "outcome", outcome)),
                    is(0.0));
        }
    }

    @Test
    void retriesAndDeadLettersAreCountedPerOutcomeAndTheDeadLetterQueueGrows() {
        String q = "it-metrics-fail";
        await("sampled").atMost(DEADLINE).until(() -> Scrape.of(target).has("levee_queue_dead_letters"));
        Scrape before = Scrape.of(target);

        assertThat(submit(q, "{\"kind\":\"flaky\"}"), is(202));
        assertThat(submit(q, "{\"kind\":\"doomed\"}"), is(202));

        await("settled").atMost(DEADLINE).until(() -> {
            Scrape s = Scrape.of(target);
            return delta(before, s, "levee_tasks_handled_total", Map.of("queue", q, "outcome", "succeeded")) == 1
                    && delta(before, s, "levee_tasks_handled_total", Map.of("queue", q, "outcome", "dead-lettered"))
                            == 1;
        });
        await("dead letter sampled")
                .atMost(DEADLINE)
                .until(() -> delta(before, Scrape.of(target), "levee_queue_dead_letters", Map.of("queue", q)) == 1);
        Scrape after = Scrape.of(target);
        Map<String, String> queue = Map.of("queue", q);
        assertThat(
                "retried once",
                delta(before, after, "levee_tasks_handled_total", Map.of("queue", q, "outcome", "retried")),
                is(1.0));
        assertThat("three attempts waited", delta(before, after, "levee_task_wait_seconds_count", queue), is(3.0));
        assertThat(
                "three attempts timed", delta(before, after, "levee_handler_duration_seconds_count", queue), is(3.0));
    }

    @Test
    void refusalsAreCountedByReasonAsOftenAsTheyWereAnswered() {
        Scrape before = Scrape.of(target);
        assertThat(submit("it-metrics-work", "{not json"), is(400));
        assertThat(submit("it-metrics-work", "{\"pad\":\"" + "x".repeat(2_000) + "\"}"), is(413));
        assertThat(submit("no-such-queue", "{}"), is(404));
        int limitedAccepted = 0;
        int limitedRefused = 0;
        for (int i = 0; i < 5; i++) {
            int status = submit("it-metrics-limited", "{}");
            if (status == 202) {
                limitedAccepted++;
            } else if (status == 429) {
                limitedRefused++;
            }
        }
        int fullAccepted = 0;
        int fullRefused = 0;
        for (int i = 0; i < 5; i++) {
            int status = submit("it-metrics-full", "{}");
            if (status == 202) {
                fullAccepted++;
            } else if (status == 429) {
                fullRefused++;
            }
        }
        Scrape after = Scrape.of(target);

        assertThat(reason(before, after, "it-metrics-work", "invalid"), is(1.0));
        assertThat(reason(before, after, "it-metrics-work", "too-large"), is(1.0));
        assertThat(reason(before, after, "(unknown)", "unknown-queue"), is(1.0));
        assertThat("the ceiling refused some", limitedRefused, greaterThanOrEqualTo(3));
        assertThat(reason(before, after, "it-metrics-limited", "rate-limited"), is((double) limitedRefused));
        assertThat(
                delta(before, after, "levee_tasks_accepted_total", Map.of("queue", "it-metrics-limited")),
                is((double) limitedAccepted));
        assertThat("the full queue refused some", fullRefused, greaterThanOrEqualTo(1));
        assertThat(reason(before, after, "it-metrics-full", "queue-full"), is((double) fullRefused));
        assertThat(delta(before, after, "levee_tasks_accepted_total", Map.of("queue", "it-metrics-full")), is((double)
                fullAccepted));
    }

    @Test
    void deliveryRequestsAreCountedByStatusClassAndTimed() {
        String q = "it-metrics-delivery";
        DownstreamStub.script("/metrics", 503);
        Scrape before = Scrape.of(target);

        assertThat(submit(q, "{}"), is(202));

        await("delivered on the second attempt")
                .atMost(DEADLINE)
                .until(() -> delta(
                                before,
                                Scrape.of(target),
                                "levee_delivery_requests_total",
                                Map.of("queue", q, "status", "2xx"))
                        == 1);
        Scrape after = Scrape.of(target);
        assertThat(delta(before, after, "levee_delivery_requests_total", Map.of("queue", q, "status", "5xx")), is(1.0));
        assertThat(delta(before, after, "levee_delivery_duration_seconds_count", Map.of("queue", q)), is(2.0));
        assertThat(
                delta(before, after, "levee_tasks_handled_total", Map.of("queue", q, "outcome", "retried")), is(1.0));
    }

    private static double reason(Scrape before, Scrape after, String queue, String reason) {
        return delta(before, after, "levee_tasks_rejected_total", Map.of("queue", queue, "reason", reason));
    }

    private static double delta(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private int submit(String queue, String body) {
        try (Response r =
                target.path("/v1/queues/" + queue + "/tasks").request().post(Entity.entity(body, "application/json"))) {
            return r.getStatus();
        }
    }

    private int get(String path) {
        try (Response r = target.path(path).request().get()) {
            return r.getStatus();
        }
    }

    /** Holds every task until the test opens the gate. */
    @ApplicationScoped
    public static class Gated {
        static final CountDownLatch open = new CountDownLatch(1);

        @TaskHandler("it-metrics-work")
        public void handle(TaskContext task) throws InterruptedException {
            if (!open.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        }
    }

    /** Fails a flaky task once and a doomed one for good. */
    @ApplicationScoped
    public static class Failing {

        @TaskHandler("it-metrics-fail")
        public void handle(String payload, TaskContext task) {
            if (payload.contains("doomed")) {
                throw new PermanentTaskFailure("doomed");
            }
            if (task.attempt() == 1) {
                throw new IllegalStateException("not yet");
            }
        }
    }
}
