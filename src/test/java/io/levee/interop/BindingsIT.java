package io.levee.interop;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.rabbitmq.client.AMQP;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Extra bindings declared at startup from configuration: a fanout exchange that copies every message to two Levee
 * queues, a topic exchange that routes {@code orders.eu.*} to one queue, and a direct binding to {@code levee.tasks}
 * that copies every task of one queue into another.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(BindingsIT.Recorder.class)
@AddConfig(key = "levee.queues.it-bind-orders.bindings.copies.exchange", value = "it-bind-orders-copies")
@AddConfig(key = "levee.queues.it-bind-orders.bindings.copies.type", value = "fanout")
@AddConfig(key = "levee.queues.it-bind-audit.bindings.copies.exchange", value = "it-bind-orders-copies")
@AddConfig(key = "levee.queues.it-bind-audit.bindings.copies.type", value = "fanout")
@AddConfig(key = "levee.queues.it-bind-eu.bindings.regions.exchange", value = "it-bind-regions")
@AddConfig(key = "levee.queues.it-bind-eu.bindings.regions.type", value = "topic")
@AddConfig(key = "levee.queues.it-bind-eu.bindings.regions.routing-key", value = "orders.eu.*")
@AddConfig(key = "levee.queues.it-bind-http-copy.bindings.tasks.exchange", value = "levee.tasks")
@AddConfig(key = "levee.queues.it-bind-http-copy.bindings.tasks.type", value = "direct")
@AddConfig(key = "levee.queues.it-bind-http-copy.bindings.tasks.routing-key", value = "it-bind-orders")
class BindingsIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aFanoutExchangeDeliversACopyToEveryBoundQueue() {
        awaitConsumed();

        publish("it-bind-orders-copies", "ignored", "{\"copy\":1}");

        await("both copies handled")
                .atMost(DEADLINE)
                .until(() -> Recorder.bodies("it-bind-orders").contains("{\"copy\":1}")
                        && Recorder.bodies("it-bind-audit").contains("{\"copy\":1}"));
    }

    @Test
    void aTopicExchangeRoutesOnlyMatchingKeysToTheBoundQueue() {
        awaitConsumed();

        publish("it-bind-regions", "orders.us.ny", "{\"region\":\"us\"}");
        publish("it-bind-regions", "orders.eu.de", "{\"region\":\"eu\"}");

        await("eu task handled").atMost(DEADLINE).until(() -> Recorder.bodies("it-bind-eu")
                .contains("{\"region\":\"eu\"}"));
        // Both went to the same exchange in order; had the us task matched, it would have been handled first.
        assertThat(Recorder.bodies("it-bind-eu"), is(List.of("{\"region\":\"eu\"}")));
    }

    @Test
    void aDirectBindingToLeveeTasksCopiesEveryTaskOfAnotherQueue() {
        awaitConsumed();

        publish("levee.tasks", "it-bind-orders", "{\"submitted\":1}");

        await("the task and its copy handled")
                .atMost(DEADLINE)
                .until(() -> Recorder.bodies("it-bind-orders").contains("{\"submitted\":1}")
                        && Recorder.bodies("it-bind-http-copy").contains("{\"submitted\":1}"));
        assertThat(
                "the copy is a task of the queue it was consumed from",
                Recorder.queues.get("it-bind-http-copy").getFirst(),
                is("it-bind-http-copy"));
    }

    private static void awaitConsumed() {
        List.of("it-bind-orders", "it-bind-audit", "it-bind-eu", "it-bind-http-copy")
                .forEach(TaskFeed::awaitConsumed);
    }

    private static void publish(String exchange, String routingKey, String body) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .build();
        TestBroker.publish(exchange, routingKey, props, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Records the bodies each queue's handler saw, and the queue its context named. */
    @ApplicationScoped
    public static class Recorder {
        static final Map<String, List<String>> seen = new ConcurrentHashMap<>();
        static final Map<String, List<String>> queues = new ConcurrentHashMap<>();

        static List<String> bodies(String queue) {
            return seen.getOrDefault(queue, List.of());
        }

        private static void record(String queue, String body, TaskContext task) {
            seen.computeIfAbsent(queue, q -> new CopyOnWriteArrayList<>()).add(body);
            queues.computeIfAbsent(queue, q -> new CopyOnWriteArrayList<>()).add(task.queue());
        }

        @TaskHandler("it-bind-orders")
        public void orders(String body, TaskContext task) {
            record("it-bind-orders", body, task);
        }

        @TaskHandler("it-bind-audit")
        public void audit(String body, TaskContext task) {
            record("it-bind-audit", body, task);
        }

        @TaskHandler("it-bind-eu")
        public void eu(String body, TaskContext task) {
            record("it-bind-eu", body, task);
        }

        @TaskHandler("it-bind-http-copy")
        public void httpCopy(String body, TaskContext task) {
            record("it-bind-http-copy", body, task);
        }
    }
}
