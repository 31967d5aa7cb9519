package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.internal.WorkerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Settling a task never costs another task: a task returned into a full queue waits in its session without spending
 * a delivery and without disturbing the pool (alone or in a batch), and a session whose copy is refused is replaced alone while the other
 * sessions finish and acknowledge their tasks exactly once.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(SettlementIT.Handlers.class)
@AddConfig(key = "levee.queues.it-settle-full.max-length", value = "3")
@AddConfig(key = "levee.queues.it-settle-full.delivery-limit", value = "1")
@AddConfig(key = "levee.queues.it-settle-full.concurrency", value = "2")
@AddConfig(key = "levee.queues.it-settle-full.prefetch", value = "1")
@AddConfig(key = "levee.queues.it-settle-full.retry-delays", value = "")
@AddConfig(key = "levee.queues.it-settle-batch-full.max-length", value = "3")
@AddConfig(key = "levee.queues.it-settle-batch-full.delivery-limit", value = "1")
@AddConfig(key = "levee.queues.it-settle-batch-full.concurrency", value = "1")
@AddConfig(key = "levee.queues.it-settle-batch-full.prefetch", value = "2")
@AddConfig(key = "levee.queues.it-settle-batch-full.retry-delays", value = "")
@AddConfig(key = "levee.queues.it-settle-confine.delivery-limit", value = "2")
@AddConfig(key = "levee.queues.it-settle-confine.concurrency", value = "2")
@AddConfig(key = "levee.queues.it-settle-confine.prefetch", value = "1")
@AddConfig(key = "levee.queues.it-settle-confine.retry-delays", value = "1s")
class SettlementIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WorkerLifecycle lifecycle;

    private final AtomicBoolean wentDown = new AtomicBoolean();
    private ScheduledExecutorService watch;

    @BeforeEach
    void watchReadiness() {
        await("consumers up").atMost(DEADLINE).until(lifecycle::isUp);
        watch = Executors.newSingleThreadScheduledExecutor();
        var unused = watch.scheduleAtFixedRate(
                () -> {
                    if (!lifecycle.isUp()) {
                        wentDown.set(true);
                    }
                },
                0,
                5,
                TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopWatching() {
        watch.shutdownNow();
    }

    @Test
    void aTaskReturnedIntoAFullQueueWaitsInItsSessionSpendingNoDelivery() throws Exception {
        String queue = "it-settle-full";
        String returning =
                TaskFeed.publish(queue, List.of("{\"kind\":\"returning\"}")).getFirst();
        String blocking =
                TaskFeed.publish(queue, List.of("{\"kind\":\"blocking\"}")).getFirst();
        await("both sessions busy").atMost(DEADLINE).until(() -> Handlers.started.containsKey(blocking));

        List<String> fillers = fillUntilRefused(queue);
        Handlers.filled.countDown();

        await("the returning task handled").atMost(DEADLINE).until(() -> Handlers.handled.contains(returning));
        Handlers.returningHandled.countDown();
        await("everything handled")
                .atMost(DEADLINE)
                .until(() -> Handlers.handled.containsAll(fillers) && Handlers.handled.contains(blocking));

        assertThat("refused while the queue was full, then run again", Handlers.returns.get(), is(3));
        assertThat(
                "never redelivered: no delivery spent", Handlers.deliveryCounts.get(returning), everyItem(nullValue()));
        assertThat(frequency(returning), is(1L));
        assertThat(TaskFeed.take(queue + ".dlq"), empty());
        assertThat("the pool never went down", wentDown.get(), is(false));
    }

    @Test
    void aBatchReturnedIntoAFullQueueWaitsInItsSessionSpendingNoDelivery() throws Exception {
        String queue = "it-settle-batch-full";
        List<String> returning =
                TaskFeed.publish(queue, List.of("{\"kind\":\"returning\"}", "{\"kind\":\"returning\"}"));
        await("the batch in the handler").atMost(DEADLINE).until(() -> returning.stream()
                .allMatch(Handlers.started::containsKey));

        // The session holds both tasks (prefetch 2): the fillers stay in the queue, which stays full.
        List<String> fillers = fillUntilRefused(queue);
        Handlers.batchFilled.countDown();

        await("the returned batch and the fillers handled")
                .atMost(DEADLINE)
                .until(() -> Handlers.handled.containsAll(returning) && Handlers.handled.containsAll(fillers));

        assertThat("refused while the queue was full, then called again", Handlers.batchReturns.get(), is(3));
        for (String id : returning) {
            assertThat(
                    "called once per return and once more",
                    Handlers.started.get(id).get(),
                    is(4));
            assertThat("never redelivered: no delivery spent", Handlers.deliveryCounts.get(id), everyItem(nullValue()));
            assertThat(frequency(id), is(1L));
        }
        assertThat(TaskFeed.take(queue + ".dlq"), empty());
        assertThat("the pool never went down", wentDown.get(), is(false));
    }

    @Test
    void aSessionWhoseCopyIsRefusedIsReplacedAloneWhileTheOthersFinishTheirTasks() {
        String queue = "it-settle-confine";
        TaskFeed.awaitDeclared(queue);
        // An operator deleted the retry queue: every retry copy now reaches no queue.
        deleteQueue(queue + ".retry.1s");
        String longTask =
                TaskFeed.publish(queue, List.of("{\"kind\":\"long\"}")).getFirst();
        await("the long task running").atMost(DEADLINE).until(() -> Handlers.started.containsKey(longTask));
        String failing =
                TaskFeed.publish(queue, List.of("{\"kind\":\"failing\"}")).getFirst();

        await("the failing task dead-lettered by the broker after its delivery limit")
                .atMost(DEADLINE)
                .until(() -> TestBroker.depth(queue + ".dlq") == 1);
        Handlers.failingDone.countDown();
        await("the long task handled").atMost(DEADLINE).until(() -> Handlers.handled.contains(longTask));

        assertThat("its session was replaced at least once", Handlers.failures.get(), greaterThanOrEqualTo(2));
        List<TaskFeed.Received> dead = TaskFeed.take(queue + ".dlq");
        assertThat(dead, hasSize(1));
        assertThat(dead.getFirst().header("levee-task-id"), is(failing));
        await("the long task acknowledged")
                .atMost(DEADLINE)
                .during(Duration.ofSeconds(1))
                .until(() -> frequency(longTask) == 1L);
        assertThat("handled exactly once", Handlers.started.get(longTask).get(), is(1));
        assertThat("the pool never went down", wentDown.get(), is(false));
    }

    private static long frequency(String id) {
        return Handlers.handled.stream().filter(id::equals).count();
    }

    /** Publishes tasks until the broker refuses one (the bound is soft); returns the accepted ones' ids. */
    private static List<String> fillUntilRefused(String queue) throws Exception {
        List<String> accepted = new ArrayList<>();
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 20; i++) {
                String id = UUID.randomUUID().toString();
                ch.basicPublish(
                        "",
                        queue,
                        true,
                        TestBroker.jsonProperties(id, Map.of("levee-task-id", id)),
                        "{\"kind\":\"filler\"}".getBytes(StandardCharsets.UTF_8));
                if (!ch.waitForConfirms(10_000)) {
                    return accepted;
                }
                accepted.add(id);
            }
        }
        throw new IllegalStateException(queue + " accepted 20 tasks over a bound of 3");
    }

    private static void deleteQueue(String queue) {
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queueDelete(queue);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handlers whose behaviour the task body picks. */
    @ApplicationScoped
    public static class Handlers {
        static final Queue<String> handled = new ConcurrentLinkedQueue<>();
        static final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
        static final Map<String, List<Object>> deliveryCounts = new ConcurrentHashMap<>();
        static final CountDownLatch filled = new CountDownLatch(1);
        static final CountDownLatch returningHandled = new CountDownLatch(1);
        static final CountDownLatch failingDone = new CountDownLatch(1);
        static final CountDownLatch batchFilled = new CountDownLatch(1);
        static final AtomicInteger batchReturns = new AtomicInteger();
        static final AtomicInteger returns = new AtomicInteger();
        static final AtomicInteger failures = new AtomicInteger();

        @TaskHandler("it-settle-full")
        public void full(byte[] payload, TaskContext task) throws InterruptedException {
            String kind = new String(payload, StandardCharsets.UTF_8);
            started.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
            deliveryCounts
                    .computeIfAbsent(task.taskId(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(task.headers().get("x-delivery-count"));
            if (kind.contains("returning")) {
                filled.await(60, TimeUnit.SECONDS);
                if (returns.get() < 3) {
                    returns.incrementAndGet();
                    throw new BulkheadException("no room for this task now");
                }
            } else if (kind.contains("blocking")) {
                // Holds its session (and the queue full) until the returning task went through.
                returningHandled.await(60, TimeUnit.SECONDS);
            }
            handled.add(task.taskId());
        }

        @TaskHandler(queue = "it-settle-batch-full", batchSize = 2, batchWait = "5s")
        public void batchFull(List<String> bodies, List<TaskContext> tasks) throws InterruptedException {
            for (TaskContext task : tasks) {
                started.computeIfAbsent(task.taskId(), id -> new AtomicInteger())
                        .incrementAndGet();
                deliveryCounts
                        .computeIfAbsent(task.taskId(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(task.headers().get("x-delivery-count"));
            }
            if (bodies.stream().anyMatch(b -> b.contains("returning"))) {
                batchFilled.await(60, TimeUnit.SECONDS);
                if (batchReturns.get() < 3) {
                    batchReturns.incrementAndGet();
                    throw new BulkheadException("no room for this batch now");
                }
            }
            tasks.forEach(task -> handled.add(task.taskId()));
        }

        @TaskHandler("it-settle-confine")
        public void confine(byte[] payload, TaskContext task) throws InterruptedException {
            String kind = new String(payload, StandardCharsets.UTF_8);
            started.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
            if (kind.contains("failing")) {
                failures.incrementAndGet();
                throw new IllegalStateException("this task always fails");
            }
            failingDone.await(60, TimeUnit.SECONDS);
            handled.add(task.taskId());
        }
    }
}
