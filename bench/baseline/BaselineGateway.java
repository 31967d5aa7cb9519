import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline Levee's ingest is measured against: a minimal hand-written gateway with plain amqp-client and the
 * JDK HTTP server. POST /v1/queues/{queue}/tasks publishes the body to Levee's exchange (levee.tasks, routing key =
 * queue) as a persistent message and answers 202 once the broker confirmed it. Confirms are asynchronous and
 * batched: each channel's confirm listener completes every waiting request up to the confirmed sequence number
 * (multiple=true). No validation, no idempotency, no schema: the cheapest correct gateway.
 *
 * <pre>
 * java -cp 'target/libs/*' bench/baseline/BaselineGateway.java serve 18090 [channels]
 * java -cp 'target/libs/*' bench/baseline/BaselineGateway.java depth QUEUE
 * java -cp 'target/libs/*' bench/baseline/BaselineGateway.java purge QUEUE...
 * </pre>
 */
public final class BaselineGateway {

    private static final String EXCHANGE = "levee.tasks";

    /** One confirm-mode channel; publishing is serialised per channel so sequence numbers match publishes. */
    private static final class ConfirmingChannel {
        final Channel channel;
        final ConcurrentNavigableMap<Long, CompletableFuture<Boolean>> pending = new ConcurrentSkipListMap<>();

        ConfirmingChannel(Connection c) throws IOException {
            channel = c.createChannel();
            channel.confirmSelect();
            channel.addConfirmListener(
                    (seq, multiple) -> settle(seq, multiple, true), (seq, multiple) -> settle(seq, multiple, false));
        }

        private void settle(long seq, boolean multiple, boolean ack) {
            if (multiple) {
                ConcurrentNavigableMap<Long, CompletableFuture<Boolean>> done = pending.headMap(seq, true);
                done.values().forEach(f -> f.complete(ack));
                done.clear();
            } else {
                CompletableFuture<Boolean> f = pending.remove(seq);
                if (f != null) {
                    f.complete(ack);
                }
            }
        }

        CompletableFuture<Boolean> publish(String queue, AMQP.BasicProperties props, byte[] body) throws IOException {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            synchronized (this) {
                pending.put(channel.getNextPublishSeqNo(), f);
                channel.basicPublish(EXCHANGE, queue, props, body);
            }
            return f;
        }
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(System.getenv().getOrDefault("LEVEE_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672"));
        switch (args[0]) {
            case "depth" -> {
                try (Connection c = factory.newConnection();
                        Channel ch = c.createChannel()) {
                    System.out.println(ch.queueDeclarePassive(args[1]).getMessageCount());
                }
            }
            case "purge" -> {
                try (Connection c = factory.newConnection();
                        Channel ch = c.createChannel()) {
                    for (int i = 1; i < args.length; i++) {
                        ch.queuePurge(args[i]);
                    }
                }
            }
            case "serve" -> serve(factory, Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 8);
            default -> throw new IllegalArgumentException("serve PORT [CHANNELS] | depth QUEUE | purge QUEUE...");
        }
    }

    private static void serve(ConnectionFactory factory, int port, int channels) throws Exception {
        Connection connection = factory.newConnection("levee-baseline");
        ConfirmingChannel[] pool = new ConfirmingChannel[channels];
        for (int i = 0; i < channels; i++) {
            pool[i] = new ConfirmingChannel(connection);
        }
        AtomicInteger next = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/queues/", exchange -> {
            try (exchange) {
                handle(exchange, pool[Math.floorMod(next.getAndIncrement(), channels)]);
            }
        });
        server.start();
        System.out.println("baseline gateway on 127.0.0.1:" + port + " with " + channels + " confirm channels");
    }

    private static void handle(HttpExchange exchange, ConfirmingChannel channel) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"tasks".equals(parts[4])) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String queue = parts[3];
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String id = UUID.randomUUID().toString();
        Instant acceptedAt = Instant.now();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(id)
                .headers(Map.of(
                        "levee-task-id",
                        id,
                        "levee-queue",
                        queue,
                        "levee-submitted-at",
                        acceptedAt.toEpochMilli(),
                        "levee-attempt",
                        1))
                .build();
        boolean confirmed;
        try {
            confirmed = channel.publish(queue, props, body).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            confirmed = false;
        }
        if (!confirmed) {
            exchange.sendResponseHeaders(503, -1);
            return;
        }
        byte[] answer = ("{\"id\":\"" + id + "\",\"queue\":\"" + queue + "\",\"acceptedAt\":\"" + acceptedAt
                        + "\",\"requestId\":\"" + id + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Location", "/v1/queues/" + queue + "/tasks/" + id);
        exchange.sendResponseHeaders(202, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }
}
