package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consumer container against a real broker: exactly-once processing, retries with backoff, dead-lettering. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(ConsumerIT.Counting.class)
@AddBean(ConsumerIT.Flaky.class)
@AddBean(ConsumerIT.Failing.class)
@AddBean(ConsumerIT.Typed.class)
@AddBean(ConsumerIT.Retrying.class)
@AddConfig(key = "levee.queues.it-consumer-once.concurrency", value = "8")
@AddConfig(key = "levee.queues.it-consumer-once.prefetch", value = "20")
@AddConfig(key = "levee.queues.it-consumer-flaky.retry-delays", value = "200ms,400ms")
@AddConfig(key = "levee.queues.it-consumer-failing.retry-delays", value = "200ms,400ms")
@AddConfig(key = "levee.queues.it-consumer-typed.retry-delays", value = "200ms,400ms")
@AddConfig(key = "levee.queues.it-consumer-ft.max-length", value = "1000")
class ConsumerIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Retry queues expire at their TTL; the broker and the consumer add a little on top. */
    static final long TOLERANCE_MS = 1_500;

    @Test
    void thousandTasksAcrossEightSessionsAreEachHandledExactlyOnce() {
        List<String> ids = TaskFeed.publish("it-consumer-once", 1_000);

        await("all 1,000 handled")
                .atMost(DEADLINE)
                .until(() -> Counting.seen.keySet().containsAll(ids));
        await("queue drained").atMost(DEADLINE).until(() -> TestBroker.depth("it-consumer-once") == 0);
        for (String id : ids) {
            assertThat("task " + id + " handled once", Counting.seen.get(id).get(), is(1));
        }
        assertThat("configured concurrency 8 overrides the annotation's 2", consumers("it-consumer-once"), is(8));
    }

    @Test
    void aTaskFailingTwiceSucceedsOnAttemptThreeAfterTheConfiguredDelays() {
        String id = TaskFeed.publish("it-consumer-flaky", List.of("{\"flaky\":true}"))
                .getFirst();

        await("succeeded").atMost(DEADLINE).until(() -> Flaky.succeeded.contains(id));
        List<Long> starts = Flaky.starts.get(id);
        assertThat(starts, hasSize(3));
        assertThat(Flaky.attempts.get(id), is(List.of(1, 2, 3)));
        long first = starts.get(1) - starts.get(0);
        long second = starts.get(2) - starts.get(1);
        assertThat("first retry delay", first, greaterThanOrEqualTo(200L));
        assertThat("first retry delay", first, lessThan(200 + TOLERANCE_MS));
        assertThat("second retry delay", second, greaterThanOrEqualTo(400L));
        assertThat("second retry delay", second, lessThan(400 + TOLERANCE_MS));
        assertThat("nothing dead-lettered", dlqFor("it-consumer-flaky", id), hasSize(0));
    }

    @Test
    void anAlwaysFailingTaskEndsInTheDeadLetterQueueWithTheErrorAfterAllAttempts() {
        long before = System.currentTimeMillis();
        String id = TaskFeed.publish("it-consumer-failing", List.of("{\"doomed\":true}"))
                .getFirst();

        List<TaskFeed.Received> dead = new CopyOnWriteArrayList<>();
        await("dead-lettered").atMost(DEADLINE).until(() -> {
            dead.addAll(dlqFor("it-consumer-failing", id));
            return !dead.isEmpty();
        });
        assertThat(Failing.attempts.get(id).get(), is(3));
        TaskFeed.Received copy = dead.getFirst();
        assertThat(copy.body(), is("{\"doomed\":true}"));
        assertThat(copy.header("levee-attempt"), is("3"));
        assertThat(copy.header("levee-error-class"), is(IllegalStateException.class.getName()));
        assertThat(copy.header("levee-error-message"), is("downstream says no"));
        assertThat(Long.parseLong(copy.header("levee-failed-at")), greaterThanOrEqualTo(before));
        assertThat("exactly one dead-letter copy", dead, hasSize(1));
    }

    @Test
    void aPayloadThatDoesNotBindIsDeadLetteredAtOnce() {
        List<String> ids = TaskFeed.publish("it-consumer-typed", List.of("not json", "{\"name\":\"ok\",\"qty\":2}"));

        await("good task handled").atMost(DEADLINE).until(() -> Typed.orders.containsKey(ids.get(1)));
        assertThat(Typed.orders.get(ids.get(1)), is(new Order("ok", 2)));
        List<TaskFeed.Received> dead = new CopyOnWriteArrayList<>();
        await("bad task dead-lettered").atMost(DEADLINE).until(() -> {
            dead.addAll(dlqFor("it-consumer-typed", ids.get(0)));
            return !dead.isEmpty();
        });
        assertThat(dead.getFirst().header("levee-attempt"), is("1"));
        assertThat(dead.getFirst().header("levee-error-class"), startsWith("io.levee.worker.internal."));
        assertThat(dead.getFirst().header("levee-error-message"), notNullValue());
        assertThat(dead.getFirst().body(), is("not json"));
    }

    @Test
    void faultToleranceAnnotationsOnTheHandlerApplyBecauseItIsCalledThroughItsProxy() {
        String id = TaskFeed.publish("it-consumer-ft", List.of("{}")).getFirst();

        await("succeeded within MP FT's retries").atMost(DEADLINE).until(() -> Retrying.succeeded.contains(id));
        assertThat("three invocations by @Retry", Retrying.calls.get(id).get(), is(3));
        assertThat("all on Levee's first attempt", Retrying.attempts, everyItem(is(1)));
    }

    private static int consumers(String queue) {
        try (var c = TestBroker.connect();
                var ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getConsumerCount();
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<TaskFeed.Received> dlqFor(String queue, String id) {
        return TaskFeed.take(queue + ".dlq").stream()
                .filter(r -> id.equals(r.header("levee-task-id")))
                .toList();
    }

    /** A JSON-bound parameter type. */
    public record Order(String name, int qty) {}

    /** Counts every task. */
    @ApplicationScoped
    public static class Counting {
        static final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

        @TaskHandler(queue = "it-consumer-once", concurrency = "2", prefetch = 5)
        public void handle(byte[] payload, TaskContext task) {
            seen.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Fails the first two attempts of each task. */
    @ApplicationScoped
    public static class Flaky {
        static final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
        static final Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        static final Set<String> succeeded = ConcurrentHashMap.newKeySet();

        @TaskHandler("it-consumer-flaky")
        public void handle(TaskContext task) {
            starts.computeIfAbsent(task.taskId(), k -> new CopyOnWriteArrayList<>())
                    .add(System.currentTimeMillis());
            attempts.computeIfAbsent(task.taskId(), k -> new CopyOnWriteArrayList<>())
                    .add(task.attempt());
            if (task.attempt() < 3) {
                throw new IllegalStateException("not yet");
            }
            succeeded.add(task.taskId());
        }
    }

    /** Always fails. */
    @ApplicationScoped
    public static class Failing {
        static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        @TaskHandler("it-consumer-failing")
        public void handle(String payload, TaskContext task) {
            attempts.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
            throw new IllegalStateException("downstream says no");
        }
    }

    /** Fails twice per task; MicroProfile FT's {@code @Retry} absorbs that within one Levee attempt. */
    @ApplicationScoped
    public static class Retrying {
        static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        static final List<Integer> attempts = new CopyOnWriteArrayList<>();
        static final Set<String> succeeded = ConcurrentHashMap.newKeySet();

        @Retry(maxRetries = 2, delay = 0)
        @TaskHandler("it-consumer-ft")
        public void handle(TaskContext task) {
            attempts.add(task.attempt());
            if (calls.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet() < 3) {
                throw new IllegalStateException("flaky downstream");
            }
            succeeded.add(task.taskId());
        }
    }

    /** Takes a JSON-bound record. */
    @ApplicationScoped
    public static class Typed {
        static final Map<String, Order> orders = new ConcurrentHashMap<>();

        @TaskHandler("it-consumer-typed")
        public void handle(Order order, TaskContext task) {
            orders.put(task.taskId(), order);
        }
    }
}
