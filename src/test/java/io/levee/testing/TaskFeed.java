package io.levee.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/** Puts tasks in the wire format onto a queue in bulk, and reads what ended in a dead-letter queue. */
public final class TaskFeed {

    private TaskFeed() {}

    /**
     * Publishes tasks with the given JSON bodies (confirmed), returning their ids in order. Waits until Levee has
     * declared the queue, then publishes through the default exchange with {@code mandatory}: a test never parks
     * tasks in {@code levee.unroutable} because it ran before the topology existed (a fresh broker).
     */
    public static List<String> publish(String queue, List<String> bodies) {
        awaitDeclared(queue);
        List<String> ids = new ArrayList<>();
        AtomicInteger returned = new AtomicInteger();
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.addReturnListener(r -> returned.incrementAndGet());
            for (String body : bodies) {
                String id = UUID.randomUUID().toString();
                Map<String, Object> headers = new HashMap<>();
                headers.put("levee-task-id", id);
                headers.put("levee-queue", queue);
                headers.put("levee-submitted-at", System.currentTimeMillis());
                headers.put("levee-attempt", 1);
                ch.basicPublish(
                        "", queue, true, TestBroker.jsonProperties(id, headers), body.getBytes(StandardCharsets.UTF_8));
                ids.add(id);
            }
            ch.waitForConfirmsOrDie(30_000);
            if (returned.get() > 0) {
                throw new IllegalStateException(returned.get() + " tasks were not routable to " + queue);
            }
            return ids;
        } catch (IOException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("cannot publish to " + queue, e);
        }
    }

    /** Waits (30 s at most) until the queue exists on the broker. */
    /**
     * Waits until Levee consumes the queue, which it does only after declaring and binding it: what a test needs before
     * it publishes through an exchange ({@code levee.tasks} or a configured binding's). A queue that merely exists may
     * not be bound yet, and a task published then goes to {@code levee.unroutable}.
     */
    public static void awaitConsumed(String queue) {
        Awaitility.await("queue " + queue + " consumed")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> TestBroker.consumers(queue) > 0);
    }

    public static void awaitDeclared(String queue) {
        Awaitility.await("queue " + queue + " declared")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> TestBroker.depth(queue) >= 0);
    }

    /** Publishes n tasks {@code {"n":i}}. */
    public static List<String> publish(String queue, int n) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add("{\"n\":" + i + "}");
        }
        return publish(queue, bodies);
    }

    /** A message taken (and acknowledged) from a queue. */
    public record Received(Map<String, Object> headers, String body) {

        /** A header as text, or null. */
        public String header(String name) {
            Object v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    /** Takes every message currently ready in a queue. */
    public static List<Received> take(String queue) {
        List<Received> out = new ArrayList<>();
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                Map<String, Object> h = r.getProps().getHeaders() == null
                        ? Map.of()
                        : r.getProps().getHeaders();
                out.add(new Received(h, new String(r.getBody(), StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + queue, e);
        }
    }

    /** Empties a queue left over from an earlier run. */
    public static void purge(String queue) {
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queuePurge(queue);
        } catch (IOException | TimeoutException e) {
            // The queue does not exist yet: nothing to purge.
        }
    }
}
