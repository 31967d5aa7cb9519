package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each broker answer to a settlement copy means one thing: a copy that reaches no queue is reported, not confirmed
 * and dropped; a full queue is "queue full", not "broker down"; and a confirmed copy is in its queue.
 */
class SettlementPublisherIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TINY = "it-settlement-tiny-" + RUN;
    private static final String ROOMY = "it-settlement-roomy-" + RUN;

    private static Broker broker;
    private static SettlementPublisher settlement;

    @BeforeAll
    static void topology() {
        broker = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.queues." + TINY + ".max-length",
                        "1",
                        "levee.queues." + TINY + ".retry-delays",
                        "",
                        "levee.queues." + ROOMY + ".retry-delays",
                        "60s")),
                null);
        broker.declareTopology();
        settlement = new SettlementPublisher(broker);
    }

    @AfterAll
    static void close() throws Exception {
        settlement.close();
        broker.close();
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            for (String q : List.of(TINY, ROOMY)) {
                ch.queueDelete(q);
                ch.queueDelete(q + ".dlq");
            }
            ch.queueDelete(Topology.retryQueue(ROOMY, java.time.Duration.ofSeconds(60)));
        }
    }

    @Test
    void aCopyToAQueueThatDoesNotExistIsReportedNotDropped() {
        String missing = ROOMY + ".retry.7s";

        NoRouteException e =
                assertThrows(NoRouteException.class, () -> settlement.retry(missing, task(ROOMY), new HashMap<>()));

        assertThat(e.getMessage(), containsString(missing));
        assertThat(e.getMessage(), containsString("NO_ROUTE"));
    }

    @Test
    void aDeadLetterCopyWithoutItsQueueIsReportedNotDropped() {
        assertThrows(
                NoRouteException.class,
                () -> settlement.deadLetter("it-settlement-nowhere-" + RUN + ".dlq", task(ROOMY), new HashMap<>()));
    }

    @Test
    void aFullQueueRefusingTheCopyIsQueueFullNotBrokerDown() {
        // The bound is soft by the in-flight count: fill until the broker refuses.
        QueueFullException e = assertThrows(QueueFullException.class, () -> {
            for (int i = 0; i < 10; i++) {
                settlement.returnToQueue(task(TINY), new HashMap<>());
            }
        });

        assertThat(e.queue(), is(TINY));
        // The channel that got the nack stays usable: the next copy elsewhere is confirmed.
        settlement.deadLetter(TINY + ".dlq", task(TINY), new HashMap<>());
        assertThat(TestBroker.depth(TINY + ".dlq"), is(1L));
    }

    @Test
    void aConfirmedRetryCopyIsInItsRetryQueue() {
        String retry = Topology.retryQueue(ROOMY, java.time.Duration.ofSeconds(60));

        settlement.retry(retry, task(ROOMY).nextAttempt(), new HashMap<>());

        assertThat(TestBroker.depth(retry), is(1L));
    }

    private static TaskEnvelope task(String queue) {
        return new TaskEnvelope(
                UUID.randomUUID().toString(),
                queue,
                System.currentTimeMillis(),
                1,
                null,
                null,
                null,
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
