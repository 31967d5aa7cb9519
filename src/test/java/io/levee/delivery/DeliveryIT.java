package io.levee.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in HTTP delivery end to end: tasks POSTed to Levee, through a real broker, to a real HTTP downstream
 * ({@link DownstreamStub}) that answers as each test scripts it.
 */
@ExtendWith(TestBroker.class)
@ExtendWith(DownstreamStub.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-delivery-ok.delivery.url", value = "${levee.test.downstream.url}/ok")
@AddConfig(key = "levee.queues.it-delivery-flaky.delivery.url", value = "${levee.test.downstream.url}/flaky")
@AddConfig(key = "levee.queues.it-delivery-flaky.retry-delays", value = "100ms,200ms")
@AddConfig(key = "levee.queues.it-delivery-rejected.delivery.url", value = "${levee.test.downstream.url}/rejected")
@AddConfig(key = "levee.queues.it-delivery-rejected.retry-delays", value = "100ms,200ms")
@AddConfig(key = "levee.queues.it-delivery-paced.delivery.url", value = "${levee.test.downstream.url}/paced")
@AddConfig(key = "levee.queues.it-delivery-paced.delivery.max-rate", value = "20")
@AddConfig(key = "levee.queues.it-delivery-paced.delivery.max-in-flight", value = "4")
class DeliveryIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        await("Levee ready").atMost(DEADLINE).until(() -> get("/health/ready").statusCode() == 200);
    }

    @Test
    void aTaskArrivesByteForByteWithItsIdRequestIdAndTraceparent() throws Exception {
        String body = "{ \"order\" : \"o-1\",\n  \"note\": \"caf\u00e9 \u2713\", \"n\": 1.50 }";
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        String id = submit("it-delivery-ok", body, "req-delivery-1", traceparent);

        await("delivered").atMost(DEADLINE).until(() -> !arrivalsOf("/ok", id).isEmpty());
        DownstreamStub.Arrival a = arrivalsOf("/ok", id).getFirst();
        assertThat("body byte for byte", a.bytes(), is(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(a.header("Idempotency-Key"), is(id));
        assertThat(a.header("X-Request-Id"), is("req-delivery-1"));
        assertThat(a.header("traceparent"), is(traceparent));
        assertThat(a.header("Content-Type"), is("application/json"));
        await("acknowledged").atMost(DEADLINE).until(() -> TestBroker.depth("it-delivery-ok") == 0);
        assertThat("delivered once", arrivalsOf("/ok", id), hasSize(1));
    }

    @Test
    void aDownstreamAnswering503TwiceGetsTheTaskOnAttemptThree() throws Exception {
        DownstreamStub.script("/flaky", 503, 503);

        String id = submit("it-delivery-flaky", "{\"flaky\":true}", null, null);

        await("delivered on attempt 3")
                .atMost(DEADLINE)
                .until(() -> arrivalsOf("/flaky", id).size() == 3);
        List<DownstreamStub.Arrival> tries = arrivalsOf("/flaky", id);
        assertThat(tries.stream().map(DownstreamStub.Arrival::answered).toList(), is(List.of(503, 503, 200)));
        assertThat(tries.stream().map(t -> t.header("Levee-Attempt")).toList(), is(List.of("1", "2", "3")));
        await("acknowledged").atMost(DEADLINE).until(() -> TestBroker.depth("it-delivery-flaky") == 0);
        assertThat("nothing dead-lettered", dlqFor("it-delivery-flaky", id), hasSize(0));
    }

    @Test
    void a400IsDeadLetteredAtOnceNamingTheRejection() throws Exception {
        DownstreamStub.always("/rejected", 400);

        String id = submit("it-delivery-rejected", "{\"bad\":true}", null, null);

        List<TaskFeed.Received> dead = new CopyOnWriteArrayList<>();
        await("dead-lettered").atMost(DEADLINE).until(() -> {
            dead.addAll(dlqFor("it-delivery-rejected", id));
            return !dead.isEmpty();
        });
        TaskFeed.Received copy = dead.getFirst();
        assertThat(copy.header("levee-error-class"), is(DownstreamRejectedException.class.getName()));
        assertThat(copy.header("levee-attempt"), is("1"));
        assertThat(copy.body(), is("{\"bad\":true}"));
        assertThat("not retried", arrivalsOf("/rejected", id), hasSize(1));
    }

    @Test
    void aBacklogReachesTheDownstreamAtNoMoreThanMaxRate() {
        List<String> ids = TaskFeed.publish("it-delivery-paced", 70);

        await("all delivered").atMost(DEADLINE).until(() -> DownstreamStub.arrivals("/paced").stream()
                .map(a -> a.header("Idempotency-Key"))
                .toList()
                .containsAll(ids));
        List<Long> times = DownstreamStub.arrivals("/paced").stream()
                .map(DownstreamStub.Arrival::nanos)
                .sorted()
                .toList();
        assertThat("arrivals in the busiest second at max-rate 20", busiestSecond(times), lessThanOrEqualTo(21));
        assertThat("concurrency defaults to max-in-flight", consumers("it-delivery-paced"), is(4));
    }

    /** The most arrivals in any window [t, t + 1 s) that starts at an arrival. */
    static int busiestSecond(List<Long> sortedNanos) {
        int most = 0;
        int end = 0;
        for (int start = 0; start < sortedNanos.size(); start++) {
            while (end < sortedNanos.size() && sortedNanos.get(end) - sortedNanos.get(start) < 1_000_000_000L) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }

    private String submit(String queue, String body, String requestId, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/v1/queues/" + queue + "/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat("accepted: " + r.body(), r.statusCode(), is(202));
        Matcher m = ID.matcher(r.body());
        assertThat("task id in " + r.body(), m.find(), is(true));
        return m.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + target.getUri().getPort();
    }

    private static List<DownstreamStub.Arrival> arrivalsOf(String path, String id) {
        return DownstreamStub.arrivals(path).stream()
                .filter(a -> id.equals(a.header("Idempotency-Key")))
                .toList();
    }

    private static List<TaskFeed.Received> dlqFor(String queue, String id) {
        return TaskFeed.take(queue + ".dlq").stream()
                .filter(r -> id.equals(r.header("levee-task-id")))
                .toList();
    }

    private static int consumers(String queue) {
        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getConsumerCount();
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
