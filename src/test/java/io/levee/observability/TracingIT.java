package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.DownstreamStub;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code levee.tracing.otlp-endpoint} set, spans are exported (here to an in-memory exporter the application
 * provides as a bean): the ingest request as a child of the caller's context with the publish as its child, one span
 * per handling attempt linked to that publish, and each delivery request as a child of its attempt, whose context
 * the downstream receives.
 */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddBean(TracingIT.Exporter.class)
@AddBean(TracingIT.FailingOnce.class)
@AddConfig(key = "levee.tracing.otlp-endpoint", value = "http://127.0.0.1:9")
@AddConfig(key = "levee.queues.it-tracing.retry-delays", value = "100ms")
@AddConfig(key = "levee.queues.it-tracing-delivery.delivery.url", value = "${levee.test.downstream.url}/traced")
class TracingIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER = "00f067aa0ba902b7";
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        await("Levee ready").atMost(DEADLINE).until(() -> {
            try (Response r = target.path("/health/ready").request().get()) {
                return r.getStatus() == 200;
            }
        });
    }

    @Test
    void theRequestPublishAndEachAttemptAreSpansWithParentsAndLinks() {
        String id = submit("it-tracing");

        await("both attempts exported")
                .atMost(DEADLINE)
                .until(() -> spans(id, SpanKind.CONSUMER).size() == 2);
        SpanData publish = only(spans(id, SpanKind.PRODUCER));
        SpanData request = SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(publish.getParentSpanId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no parent of the publish span"));

        assertThat("request span is the server's", request.getKind(), is(SpanKind.SERVER));
        assertThat("in the caller's trace", request.getTraceId(), is(TRACE));
        assertThat("child of the caller's span", request.getParentSpanId(), is(CALLER));
        assertThat(request.getAttributes().get(Tracing.HTTP_STATUS), is(202L));
        assertThat(publish.getTraceId(), is(TRACE));
        assertThat(publish.getAttributes().get(Tracing.QUEUE), is("it-tracing"));

        List<SpanData> attempts = spans(id, SpanKind.CONSUMER).stream()
                .sorted(Comparator.comparing(s -> s.getAttributes().get(Tracing.ATTEMPT)))
                .toList();
        for (int i = 0; i < 2; i++) {
            SpanData attempt = attempts.get(i);
            assertThat("attempt " + (i + 1), attempt.getAttributes().get(Tracing.ATTEMPT), is((long) i + 1));
            assertThat(attempt.getAttributes().get(Tracing.QUEUE), is("it-tracing"));
            assertThat("a trace of its own", attempt.getParentSpanContext().isValid(), is(false));
            assertThat(attempt.getLinks(), hasSize(1));
            assertThat(
                    "linked to the submission",
                    attempt.getLinks().getFirst().getSpanContext().getSpanId(),
                    is(publish.getSpanId()));
            assertThat(attempt.getLinks().getFirst().getSpanContext().getTraceId(), is(TRACE));
        }
        assertThat(attempts.get(0).getAttributes().get(Tracing.OUTCOME), is("retried"));
        assertThat(attempts.get(1).getAttributes().get(Tracing.OUTCOME), is("succeeded"));
    }

    @Test
    void aDeliveryRequestIsAChildOfItsAttemptAndCarriesItsOwnContext() {
        String id = submit("it-tracing-delivery");

        await("delivery exported")
                .atMost(DEADLINE)
                .until(() -> spans(id, SpanKind.CLIENT).size() == 1);
        SpanData delivery = only(spans(id, SpanKind.CLIENT));
        await("attempt exported")
                .atMost(DEADLINE)
                .until(() -> spans(id, SpanKind.CONSUMER).size() == 1);
        SpanData attempt = only(spans(id, SpanKind.CONSUMER));

        assertThat("child of the attempt", delivery.getParentSpanId(), is(attempt.getSpanId()));
        assertThat(delivery.getTraceId(), is(attempt.getTraceId()));
        assertThat(delivery.getAttributes().get(Tracing.HTTP_STATUS), is(200L));
        DownstreamStub.Arrival arrival = DownstreamStub.arrivals("/traced").stream()
                .filter(a -> id.equals(a.header("Levee-Task-Id")))
                .findFirst()
                .orElseThrow();
        assertThat(
                "the downstream continues the delivery span",
                arrival.header("traceparent"),
                is("00-" + delivery.getTraceId() + "-" + delivery.getSpanId() + "-01"));
    }

    private static List<SpanData> spans(String taskId, SpanKind kind) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind)
                .filter(s -> taskId.equals(s.getAttributes().get(AttributeKey.stringKey("levee.task.id"))))
                .toList();
    }

    private static SpanData only(List<SpanData> spans) {
        assertThat(spans, hasSize(1));
        return spans.getFirst();
    }

    private String submit(String queue) {
        try (Response r = target.path("/v1/queues/" + queue + "/tasks")
                .request()
                .header("traceparent", "00-" + TRACE + "-" + CALLER + "-01")
                .post(Entity.entity("{\"traced\":true}", "application/json"))) {
            assertThat(r.getStatus(), is(202));
            Matcher m = ID.matcher(r.readEntity(String.class));
            assertThat(m.find(), is(true));
            return m.group(1);
        }
    }

    /** The application's own exporter: Levee sends its spans there instead of to the OTLP endpoint. */
    @ApplicationScoped
    public static class Exporter {
        @Produces
        SpanExporter exporter() {
            return SPANS;
        }
    }

    /** Fails every task's first attempt. */
    @ApplicationScoped
    public static class FailingOnce {
        @TaskHandler("it-tracing")
        public void handle(TaskContext task) {
            if (task.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        }
    }
}
