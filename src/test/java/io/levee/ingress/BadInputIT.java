package io.levee.ingress;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets its exact status and problem type, and leaves the queue as it was. The queue has no
 * handler, so its depth counts everything that was enqueued.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-bad-input.max-length", value = "10000")
@AddConfig(key = "levee.ingest.batch-max-items", value = "5")
class BadInputIT {

    static final String QUEUE = "it-bad-input";
    static final String TASKS = "/v1/queues/" + QUEUE + "/tasks";

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        IngestClients.awaitReady(target);
    }

    /** Builds the request against the base URI of the running service. */
    private record Case(String name, Function<String, HttpRequest> request, int status, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                        json("empty body", TASKS, new byte[0], 400, "invalid-json"),
                        json("invalid JSON", TASKS, bytes("not json"), 400, "invalid-json"),
                        json("truncated JSON", TASKS, bytes("{\"order\":{\"id\":"), 400, "invalid-json"),
                        json("duplicate keys", TASKS, bytes("{\"a\":1,\"a\":2}"), 400, "invalid-json"),
                        json(
                                "non-UTF-8 bytes",
                                TASKS,
                                new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'},
                                400,
                                "invalid-json"),
                        json("two JSON values", TASKS, bytes("{} {}"), 400, "invalid-json"),
                        of(
                                "wrong content type",
                                base -> post(base + TASKS, "text/plain", null, bytes("{}")),
                                415,
                                "unsupported-media-type"),
                        of(
                                "missing content type",
                                base -> HttpRequest.newBuilder(URI.create(base + TASKS))
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes("{}")))
                                        .build(),
                                415,
                                "unsupported-media-type"),
                        of(
                                "JSON in another charset",
                                base -> post(base + TASKS, "application/json; charset=utf-16", null, bytes("{}")),
                                415,
                                "unsupported-media-type"),
                        json(
                                "body over the limit",
                                TASKS,
                                bytes("\"" + "x".repeat(300 * 1024) + "\""),
                                413,
                                "payload-too-large"),
                        of(
                                "gzip bomb",
                                base -> post(base + TASKS, "application/json", "gzip", gzipBomb()),
                                413,
                                "payload-too-large"),
                        of(
                                "invalid gzip",
                                base -> post(base + TASKS, "application/json", "gzip", bytes("{\"a\":1}")),
                                400,
                                "invalid-content-encoding"),
                        json("queue name with ..", "/v1/queues/a..b/tasks", bytes("{}"), 400, "invalid-queue-name"),
                        json(
                                "queue name that is ..",
                                "/v1/queues/%2E%2E/tasks",
                                bytes("{}"),
                                400,
                                "invalid-queue-name"),
                        json("queue name with /", "/v1/queues/a%2Fb/tasks", bytes("{}"), 404, "not-found"),
                        json("path below a queue", "/v1/queues/a/b/tasks", bytes("{}"), 404, "not-found"),
                        json(
                                "queue name with a space",
                                "/v1/queues/a%20b/tasks",
                                bytes("{}"),
                                400,
                                "invalid-queue-name"),
                        json(
                                "queue name of 300 characters",
                                "/v1/queues/" + "q".repeat(300) + "/tasks",
                                bytes("{}"),
                                400,
                                "invalid-queue-name"),
                        json("unknown queue", "/v1/queues/it-bad-input-nope/tasks", bytes("{}"), 404, "unknown-queue"),
                        json("batch over the limit", TASKS + "/batch", bytes("[1,2,3,4,5,6]"), 400, "batch-too-large"),
                        json(
                                "batch with one malformed item",
                                TASKS + "/batch",
                                bytes("[1,{\"a\" 2},3]"),
                                400,
                                "invalid-json"),
                        json("batch that is not an array", TASKS + "/batch", bytes("{\"a\":1}"), 400, "invalid-json"),
                        of(
                                "oversized headers",
                                base -> HttpRequest.newBuilder(URI.create(base + TASKS))
                                        .header("Content-Type", "application/json")
                                        .header("X-Padding", "p".repeat(20_000))
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes("{}")))
                                        .build(),
                                400,
                                "invalid-request"),
                        of(
                                "unknown Content-Encoding",
                                base -> post(base + TASKS, "application/json", "br", bytes("{}")),
                                415,
                                "unsupported-media-type"),
                        of(
                                "unknown Content-Encoding on a batch",
                                base -> post(base + TASKS + "/batch", "application/json", "br", bytes("[{}]")),
                                415,
                                "unsupported-media-type"))
                .map(Arguments::of);
    }

    /**
     * Oversized headers, an unknown Content-Encoding and a body over server.max-payload-size are refused by Helidon
     * before any Levee code runs; ServerProblems makes those answers problem documents too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsAPreciseProblemAndChangesNothing(Case c) {
        long before = TestBroker.depth(QUEUE);
        HttpResponse<String> r = IngestClients.send(c.request().apply(IngestClients.base(target)));

        assertThat(r.body(), r.statusCode(), is(c.status()));
        if (c.type() != null) {
            assertThat(r.headers().firstValue("Content-Type").orElse(""), startsWith("application/problem+json"));
            assertThat(r.body(), containsString("\"type\":\"urn:levee:problem:" + c.type() + "\""));
        }
        if (c.name().contains("batch with one")) {
            assertThat("the problem names the bad item", r.body(), containsString("\"item\":1"));
        }
        assertThat("nothing enqueued", TestBroker.depth(QUEUE), is(before));
    }

    /**
     * A body declared larger than server.max-payload-size is refused by Helidon from its headers alone. Sent over a
     * raw socket without the body: a client still sending 6 MiB may see the connection closed before it reads the
     * answer, so the test would race with the server.
     */
    @Test
    void aBodyDeclaredOverTheServersPayloadCapIsAProblemBeforeItIsSent() throws IOException {
        long before = TestBroker.depth(QUEUE);
        URI base = URI.create(IngestClients.base(target));
        String answer;
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("POST " + TASKS + "/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + (6 * 1024 * 1024)
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer, startsWith("HTTP/1.1 413"));
        assertThat(answer, containsString("application/problem+json"));
        assertThat(answer, containsString("\"type\":\"urn:levee:problem:payload-too-large\""));
        assertThat("nothing enqueued", TestBroker.depth(QUEUE), is(before));
    }

    @Test
    void anInvalidTraceparentIsIgnoredNotAnError() {
        long before = TestBroker.depth(QUEUE);
        HttpResponse<String> r =
                IngestClients.send(HttpRequest.newBuilder(URI.create(IngestClients.base(target) + TASKS))
                        .header("Content-Type", "application/json")
                        .header("traceparent", "00-not-a-trace-01")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes("{}")))
                        .build());

        assertThat(r.body(), r.statusCode(), is(202));
        // The same depth measure sees a good task arrive, so the bad-input assertions above could fail.
        await().atMost(Duration.ofSeconds(30)).until(() -> TestBroker.depth(QUEUE) == before + 1);
    }

    private static Case json(String name, String path, byte[] body, int status, String type) {
        return of(name, base -> post(base + path, "application/json", null, body), status, type);
    }

    private static Case of(String name, Function<String, HttpRequest> request, int status, String type) {
        return new Case(name, request, status, type);
    }

    private static HttpRequest post(String uri, String contentType, String encoding, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", contentType);
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** 64 MiB of JSON that compresses to about 64 KiB. */
    private static byte[] gzipBomb() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write('"');
            byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 64; i++) {
                gz.write(chunk);
            }
            gz.write('"');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
