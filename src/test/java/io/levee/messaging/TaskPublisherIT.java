package io.levee.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The publisher against the real broker: confirmed means in the queue, full means 429, closed means 503; a few
 * sessions carry many sends in flight, and a channel that fails under load fails those sends over, never loses one.
 */
@ExtendWith(TestBroker.class)
class TaskPublisherIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BULK = "it-publisher-bulk-" + RUN;
    private static final String TINY = "it-publisher-tiny-" + RUN;
    private static final String FAULT = "it-publisher-fault-" + RUN;
    private static final String RECYCLE = "it-publisher-recycle-" + RUN;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Broker broker;

    @BeforeAll
    static void topology() {
        broker = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.publish.sessions",
                        "2",
                        "levee.queues." + BULK + ".retry-delays",
                        "",
                        "levee.queues." + TINY + ".max-length",
                        "3",
                        "levee.queues." + TINY + ".retry-delays",
                        "",
                        "levee.queues." + FAULT + ".retry-delays",
                        "",
                        "levee.queues." + RECYCLE + ".retry-delays",
                        "")),
                null);
        broker.declareTopology();
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            for (String q : List.of(BULK, TINY, FAULT, RECYCLE)) {
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
    void sessionsReplacedAfterTheirMaximumSendsLoseNothing() throws Exception {
        Broker recycling = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.publish.sessions",
                        "2",
                        "levee.publish.session-max-sends",
                        "25",
                        "levee.queues." + RECYCLE + ".retry-delays",
                        "")),
                null);
        recycling.declareTopology();
        TaskPublisher publisher = new TaskPublisher(recycling);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sends.add(pool.submit(() -> publisher.publish(task(RECYCLE), TIMEOUT)));
            }
            for (Future<?> f : sends) {
                f.get();
            }
            // 500 sends through sessions that each take 25: about 20 sessions were opened, drained and closed.
            assertThat(publisher.stats().confirmed(), is(500L));
            assertThat(publisher.stats().confirmTimeouts(), is(0L));
        } finally {
            publisher.close();
            recycling.close();
        }
        await("every confirmed task in the queue")
                .atMost(Duration.ofSeconds(30))
                .until(() -> TestBroker.depth(RECYCLE) == 500);
    }

    @Test
    void aChannelClosedUnderLoadFailsItsSendsOverWithinTheTimeout() throws Exception {
        Duration publishTimeout = Duration.ofSeconds(6);
        TaskPublisher publisher = new TaskPublisher(broker);
        Set<String> confirmedIds = ConcurrentHashMap.newKeySet();
        LongAdder refused = new LongAdder();
        AtomicLong slowest = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        TaskEnvelope t = task(FAULT);
                        long start = System.nanoTime();
                        try {
                            publisher.publish(t, publishTimeout);
                            confirmedIds.add(t.id());
                        } catch (BrokerUnavailableException e) {
                            refused.increment();
                        }
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                }));
            }
            await("load running").atMost(Duration.ofSeconds(30)).until(() -> confirmedIds.size() >= 1_000);
            // A channel error closes the channel from the broker's side while sends wait for their confirm. Whether
            // a given channel has a send between publish and confirm at that instant is timing (a classic queue
            // confirms within microseconds), so channels are broken until one is caught with a send in flight.
            await("a send in flight on a broken channel failed over")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        Channel broken = publisher.channels().getFirst();
                        try {
                            broken.queueDeclarePassive("no-such-queue-" + RUN);
                            throw new AssertionError("the broker declared a queue that does not exist");
                        } catch (IOException | ShutdownSignalException e) {
                            // the channel is closed: by this declare, or already by the last one
                        }
                        return publisher.stats().failed() > 0;
                    });
            int confirmedAtFault = confirmedIds.size();
            await("load continues on the other sessions")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> confirmedIds.size() >= confirmedAtFault + 1_000);
            stop.set(true);
            for (Thread t : senders) {
                t.join(Duration.ofSeconds(20));
            }
            PublishStats stats = publisher.stats();
            assertThat("no send waited for a confirm that never came", stats.confirmTimeouts(), is(0L));
            assertThat(
                    "every call returned within the publish timeout",
                    slowest.get(),
                    lessThan(publishTimeout.plusSeconds(1).toNanos()));
            assertThat("every attempt has an outcome", stats.sent(), is(stats.confirmed() + stats.failed()));
            assertThat(refused.sum(), is(0L));
        } finally {
            stop.set(true);
            publisher.close();
        }
        Set<String> inQueue = new HashSet<>();
        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(FAULT, true)) != null) {
                inQueue.add(r.getProps().getMessageId());
            }
        }
        Set<String> lost = new HashSet<>(confirmedIds);
        lost.removeAll(inQueue);
        assertThat("confirmed tasks missing from the queue", lost, is(Set.of()));
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
