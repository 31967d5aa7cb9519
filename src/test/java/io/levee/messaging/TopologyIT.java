package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.isEmptyString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.LeveeException;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Retry queues are replicated quorum queues and every dead-lettering hop is at-least-once; queues left by an older
 * Levee (classic retry queues, a task queue without the strategy) are replaced when that loses nothing and explained
 * when it would.
 */
class TopologyIT {

    @Test
    void retryQueuesAreQuorumQueuesAndEveryDeadLetterHopIsAtLeastOnce() throws Exception {
        QueueSettings q = queue("10s");
        try (Connection c = TestBroker.connect()) {
            Topology.declare(c, List.of(q), vhost());

            String retry = Topology.retryQueue(q.name(), Duration.ofSeconds(10));
            // The broker compares these arguments on a redeclaration: each answer shows what the queue really is.
            assertThat(
                    refusal(
                            c,
                            retry,
                            with(Topology.retryQueueArguments(q, Duration.ofSeconds(10)), "x-queue-type", "classic")),
                    containsString("x-queue-type"));
            assertThat(
                    refusal(
                            c,
                            retry,
                            without(Topology.retryQueueArguments(q, Duration.ofSeconds(10)), "x-dead-letter-strategy")),
                    containsString("x-dead-letter-strategy"));
            assertThat(
                    refusal(c, q.name(), without(Topology.taskQueueArguments(q), "x-dead-letter-strategy")),
                    containsString("x-dead-letter-strategy"));
            assertThat(refusal(c, retry, Topology.retryQueueArguments(q, Duration.ofSeconds(10))), isEmptyString());
            assertThat(refusal(c, q.name(), Topology.taskQueueArguments(q)), isEmptyString());
        }
    }

    @Test
    void anEmptyClassicRetryQueueFromAnOlderLeveeIsReplacedByAQuorumQueue() throws Exception {
        QueueSettings q = queue("1s");
        String retry = Topology.retryQueue(q.name(), Duration.ofSeconds(1));
        try (Connection c = TestBroker.connect()) {
            declareClassicRetryQueue(c, q, retry, 1_000);

            Topology.declare(c, List.of(q), vhost());

            assertThat(refusal(c, retry, Topology.retryQueueArguments(q, Duration.ofSeconds(1))), isEmptyString());
        }
    }

    @Test
    void aClassicRetryQueueHoldingTasksStopsStartupWithTheCommandThatRemovesItAndKeepsItsTasks() throws Exception {
        QueueSettings q = queue("60s");
        String retry = Topology.retryQueue(q.name(), Duration.ofSeconds(60));
        try (Connection c = TestBroker.connect()) {
            declareClassicRetryQueue(c, q, retry, 60_000);
            try (Channel ch = c.createChannel()) {
                ch.confirmSelect();
                ch.basicPublish("", retry, null, "{}".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(10_000);
            }

            LeveeException e = assertThrows(LeveeException.class, () -> Topology.declare(c, List.of(q), vhost()));

            assertThat(e.getMessage(), containsString("Retry queue '" + retry + "'"));
            assertThat(e.getMessage(), containsString("rabbitmqctl delete_queue -p " + vhost() + " " + retry));
            assertThat("the waiting task is still there", TestBroker.depth(retry), is(1L));
            try (Channel ch = c.createChannel()) {
                ch.queueDelete(retry);
            }
        }
    }

    @Test
    void aTaskQueueDeclaredWithoutTheStrategyByAnOlderLeveeIsUsedAsItIs() throws Exception {
        QueueSettings q = queue("1s");
        try (Connection c = TestBroker.connect()) {
            try (Channel ch = c.createChannel()) {
                ch.queueDeclare(
                        q.name(),
                        true,
                        false,
                        false,
                        without(Topology.taskQueueArguments(q), "x-dead-letter-strategy"));
            }

            Topology.declare(c, List.of(q), vhost());

            assertThat(
                    refusal(c, q.name(), without(Topology.taskQueueArguments(q), "x-dead-letter-strategy")),
                    isEmptyString());
        }
    }

    @Test
    void aTaskQueueWithAnotherLengthBoundStopsStartupNamingItAndTheCommand() throws Exception {
        QueueSettings q = queue("1s");
        try (Connection c = TestBroker.connect()) {
            try (Channel ch = c.createChannel()) {
                ch.queueDeclare(q.name(), true, false, false, with(Topology.taskQueueArguments(q), "x-max-length", 7L));
            }

            LeveeException e = assertThrows(LeveeException.class, () -> Topology.declare(c, List.of(q), vhost()));

            assertThat(e.getMessage(), containsString("Queue '" + q.name() + "'"));
            assertThat(e.getMessage(), containsString("x-max-length"));
            assertThat(e.getMessage(), containsString("rabbitmqctl delete_queue -p " + vhost() + " " + q.name()));
        }
    }

    private static QueueSettings queue(String retryDelay) {
        String name = "it-topology-" + UUID.randomUUID().toString().substring(0, 8);
        LeveeConfig config = TestConfig.levee(Map.of("levee.queues." + name + ".retry-delays", retryDelay));
        return config.queues().get(name);
    }

    /** The retry queue as Levee declared it before it was replicated. */
    private static void declareClassicRetryQueue(Connection c, QueueSettings q, String retry, long ttl)
            throws IOException, TimeoutException {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclare(
                    retry,
                    true,
                    false,
                    false,
                    Map.of(
                            "x-message-ttl",
                            ttl,
                            "x-dead-letter-exchange",
                            Topology.TASKS,
                            "x-dead-letter-routing-key",
                            q.name()));
        }
    }

    /** The broker's reason for refusing this declaration, or "" when it accepted it (the definitions are equal). */
    private static String refusal(Connection c, String queue, Map<String, Object> args) throws TimeoutException {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, args);
            return "";
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s
                    && s.getReason() instanceof AMQP.Channel.Close close) {
                assertThat(close.getReplyText(), not(isEmptyString()));
                return close.getReplyText();
            }
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> with(Map<String, Object> args, String key, Object value) {
        Map<String, Object> changed = new HashMap<>(args);
        changed.put(key, value);
        return changed;
    }

    private static Map<String, Object> without(Map<String, Object> args, String key) {
        Map<String, Object> changed = new HashMap<>(args);
        changed.remove(key);
        return changed;
    }

    private static String vhost() {
        String path = URI.create(TestBroker.uri()).getPath();
        return path == null || path.length() <= 1 ? "/" : path.substring(1);
    }
}
