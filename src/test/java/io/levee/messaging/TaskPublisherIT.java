package io.levee.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publisher against the real broker: confirmed means in the queue, full means 429, closed means 503. */
@ExtendWith(TestBroker.class)
class TaskPublisherIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BULK = "it-publisher-bulk-" + RUN;
    private static final String TINY = "it-publisher-tiny-" + RUN;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Broker broker;

    @BeforeAll
    static void topology() {
        broker = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.publish.sessions",
                        "8",
                        "levee.queues." + BULK + ".retry-delays",
                        "",
                        "levee.queues." + TINY + ".max-length",
                        "3",
                        "levee.queues." + TINY + ".retry-delays",
                        "")),
                null);
        broker.declareTopology();
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            for (String q : List.of(BULK, TINY)) {
                ch.queueDelete(q);
                ch.queueDelete(q + ".dlq");
            }
        }
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
                "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyConfirmedPublishIsInTheQueue() throws Exception {
        long before = TestBroker.depth(BULK);
        TaskPublisher publisher = new TaskPublisher(broker);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sends.add(pool.submit(() -> publisher.publish(task(BULK), TIMEOUT)));
            }
            for (Future<?> f : sends) {
                f.get();
            }
            PublishStats stats = publisher.stats();
            assertThat(stats.confirmed(), is(300L));
            assertThat(stats.confirmTimeouts(), is(0L));
        } finally {
            publisher.close();
        }
        await("confirmed tasks visible in the queue")
                .atMost(Duration.ofSeconds(30))
                .until(() -> TestBroker.depth(BULK) == before + 300);
    }

    @Test
    void aFullQueueRefusesWithQueueFull() {
        TaskPublisher publisher = new TaskPublisher(broker);
        try {
            // x-max-length is a soft limit on quorum queues: a few extra may be accepted before the first nack.
            QueueFullException full = assertThrows(QueueFullException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    publisher.publish(task(TINY), TIMEOUT);
                }
            });
            assertThat(full.queue(), is(TINY));
            assertThat(publisher.stats().nacked(), is(1L));
        } finally {
            publisher.close();
        }
    }

    @Test
    void aClosedPublisherIsUnavailable() {
        TaskPublisher publisher = new TaskPublisher(broker);
        publisher.publish(task(BULK), TIMEOUT);
        publisher.close();
        assertThrows(BrokerUnavailableException.class, () -> publisher.publish(task(BULK), Duration.ofSeconds(1)));
    }
}
