package io.levee.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A downstream for delivery tests: a JDK HTTP server on 127.0.0.1 and a free port that records every request with its
 * arrival time and answers with the statuses a test scripted for the request's path (200 once the script is used up).
 * Register it before {@code @HelidonTest}: it publishes its base URL as {@code levee.test.downstream.url}, so that
 * configuration can say {@code levee.queues.q.delivery.url=${levee.test.downstream.url}/q}.
 */
public final class DownstreamStub implements BeforeAllCallback, AfterAllCallback {

    private static final String PROPERTY = "levee.test.downstream.url";
    private static final List<Arrival> ARRIVALS = new CopyOnWriteArrayList<>();
    private static final Map<String, Deque<Integer>> SCRIPTS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> STEADY = new ConcurrentHashMap<>();
    private static final Map<String, java.time.Duration> DELAYS = new ConcurrentHashMap<>();
    private static final Map<String, String> RETRY_AFTER = new ConcurrentHashMap<>();
    /** Sends the delayed answers; a daemon thread, so it never holds the test JVM. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "downstream-stub-later");
        t.setDaemon(true);
        return t;
    });

    private static HttpServer server;

    /**
     * One request as the downstream received it.
     *
     * @param path     the request path
     * @param nanos    {@link System#nanoTime()} at arrival
     * @param headers  the request headers
     * @param body     the request body, read-only
     * @param answered the status the stub answered with
     */
    public record Arrival(String path, long nanos, Headers headers, ByteBuffer body, int answered) {

        /** The request body's bytes. */
        public byte[] bytes() {
            byte[] copy = new byte[body.remaining()];
            body.duplicate().get(copy);
            return copy;
        }

        /** A header's first value, or null. */
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", DownstreamStub::answer);
        server.start();
        System.setProperty(PROPERTY, "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop(0);
    }

    /** Answers the next requests to {@code path} with these statuses, in order. */
    public static void script(String path, Integer... statuses) {
        SCRIPTS.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    /** Answers every request to {@code path} with {@code status} once its script is used up. */
    public static void always(String path, int status) {
        STEADY.put(path, status);
    }

    /** Answers every request to {@code path} only after {@code delay} (zero: at once), like a slowed backend. */
    public static void delay(String path, java.time.Duration delay) {
        DELAYS.put(path, delay);
    }

    /** Sends {@code Retry-After: value} with every answer to {@code path} that is not a 2xx. */
    public static void retryAfter(String path, String value) {
        RETRY_AFTER.put(path, value);
    }

    /** The requests that arrived at {@code path} so far, in order of arrival. */
    public static List<Arrival> arrivals(String path) {
        return ARRIVALS.stream().filter(a -> a.path().equals(path)).toList();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        int status;
        Deque<Integer> script = SCRIPTS.get(path);
        synchronized (DownstreamStub.class) {
            Integer next = script == null ? null : script.poll();
            status = next != null ? next : STEADY.getOrDefault(path, 200);
        }
        ARRIVALS.add(new Arrival(
                path,
                now,
                new Headers(exchange.getRequestHeaders()),
                ByteBuffer.wrap(body).asReadOnlyBuffer(),
                status));
        java.time.Duration delay = DELAYS.getOrDefault(path, java.time.Duration.ZERO);
        if (delay.isZero()) {
            reply(exchange, status, path);
        } else {
            // A slowed backend: the answer goes out later from the scheduler; the exchange stays open until then.
            ScheduledFuture<?> unused =
                    LATER.schedule(() -> reply(exchange, status, path), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static void reply(HttpExchange exchange, int status, String path) {
        byte[] answer = ("{\"status\":" + status + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            String retryAfter = RETRY_AFTER.get(path);
            if (retryAfter != null && (status < 200 || status >= 300)) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException e) {
            exchange.close(); // the client gave up waiting: nothing to answer
        }
    }
}
