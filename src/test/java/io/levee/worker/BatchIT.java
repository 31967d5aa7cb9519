package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch handlers against a real broker: batches formed by size and by wait, payloads paired with their contexts, a
 * failing batch retried whole, per-item outcomes through {@link BatchFailure}.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(BatchIT.Handlers.class)
@AddConfig(key = "levee.queues.it-batch-size.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-batch-wait.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-batch-fail.retry-delays", value = "200ms")
@AddConfig(key = "levee.queues.it-batch-items.retry-delays", value = "200ms")
class BatchIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** A JSON-bound item. */
    public record Line(int n) {}

    /** One call of a batch handler: the task ids, attempts and payloads it received, and when. */
    record Call(List<String> ids, List<Integer> attempts, List<String> bodies, long at) {}

    @ApplicationScoped
    public static class Handlers {
        static final List<Call> bySize = new CopyOnWriteArrayList<>();
        static final List<Call> byWait = new CopyOnWriteArrayList<>();
        static final List<Call> failing = new CopyOnWriteArrayList<>();
        static final List<Call> items = new CopyOnWriteArrayList<>();
        static final Map<Integer, Integer> lines = new ConcurrentHashMap<>();

        @TaskHandler(queue = "it-batch-size", batchSize = 10, batchWait = "1s")
        public void size(List<Line> lines, List<TaskContext> tasks) {
            lines.forEach(l -> Handlers.lines.merge(l.n(), 1, Integer::sum));
            bySize.add(
                    call(tasks, lines.stream().map(l -> Integer.toString(l.n())).toList()));
        }

        @TaskHandler(queue = "it-batch-wait", batchSize = 100, batchWait = "300ms")
        public void waited(List<String> bodies, List<TaskContext> tasks) {
            byWait.add(call(tasks, bodies));
        }

        @TaskHandler(queue = "it-batch-fail", batchSize = 5, batchWait = "500ms")
        public void fails(List<String> bodies, List<TaskContext> tasks) {
            failing.add(call(tasks, bodies));
            if (tasks.getFirst().attempt() == 1) {
                throw new IllegalStateException("the database is away");
            }
        }

        @TaskHandler(queue = "it-batch-items", batchSize = 3, batchWait = "500ms")
        public void perItem(List<String> bodies, List<TaskContext> tasks) {
            items.add(call(tasks, bodies));
            BatchFailure failed = new BatchFailure();
            for (int i = 0; i < bodies.size(); i++) {
                if (bodies.get(i).contains("poison")) {
                    failed.item(i, new PermanentTaskFailure("poison row"));
                } else if (bodies.get(i).contains("flaky") && tasks.get(i).attempt() == 1) {
                    failed.item(i, new IllegalStateException("deadlock, try again"));
                }
            }
            failed.throwIfAny();
        }

        private static Call call(List<TaskContext> tasks, List<String> bodies) {
            return new Call(
                    tasks.stream().map(TaskContext::taskId).toList(),
                    tasks.stream().map(TaskContext::attempt).toList(),
                    List.copyOf(bodies),
                    System.nanoTime());
        }
    }

    @Test
    void twentyFiveTasksArriveAsTwoFullBatchesAndARestAfterTheWait() {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            bodies.add("{\"n\":" + i + "}");
        }
        List<String> ids = TaskFeed.publish("it-batch-size", bodies);

        await("all handled").atMost(WAIT).until(() -> Handlers.lines.size() == 25);
        List<Integer> sizes = Handlers.bySize.stream().map(c -> c.ids().size()).toList();
        assertThat(sizes, everyItem(lessThanOrEqualTo(10)));
        assertThat("full batches", sizes.stream().filter(s -> s == 10).count(), greaterThanOrEqualTo(2L));
        assertThat(Handlers.bySize.stream().flatMap(c -> c.ids().stream()).toList(), is(ids));
        assertThat("each once", Handlers.lines.values(), everyItem(is(1)));
        for (Call c : Handlers.bySize) {
            for (int i = 0; i < c.ids().size(); i++) {
                assertThat(
                        "payload paired with its context",
                        c.bodies().get(i),
                        is(Integer.toString(ids.indexOf(c.ids().get(i)))));
            }
        }
    }

    @Test
    void threeTasksInABatchOfAHundredAreHandledTogetherOnceTheWaitRanOut() {
        List<String> ids = TaskFeed.publish("it-batch-wait", List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}"));

        await("handled")
                .atMost(WAIT)
                .until(() ->
                        Handlers.byWait.stream().mapToInt(c -> c.ids().size()).sum() == 3);
        assertThat(Handlers.byWait, hasSize(1));
        assertThat(Handlers.byWait.getFirst().ids(), is(ids));
        assertThat(Handlers.byWait.getFirst().bodies(), is(List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}")));
        await("acknowledged").atMost(WAIT).until(() -> TestBroker.depth("it-batch-wait") == 0);
    }

    @Test
    void aFailingBatchIsRetriedWhole() {
        List<String> ids = TaskFeed.publish("it-batch-fail", 5);

        await("every task succeeded on attempt 2").atMost(WAIT).until(() -> attemptsOf(Handlers.failing, ids, 2) == 5);
        assertThat("every task failed once on attempt 1", attemptsOf(Handlers.failing, ids, 1), is(5));
        assertThat(TaskFeed.take("it-batch-fail.dlq"), hasSize(0));
    }

    @Test
    void perItemOutcomesDeadLetterOneRetryAnotherAndAcknowledgeTheRest() {
        List<String> ids = TaskFeed.publish(
                "it-batch-items", List.of("{\"row\":\"good\"}", "{\"row\":\"poison\"}", "{\"row\":\"flaky\"}"));

        await("flaky retried").atMost(WAIT).until(() -> attemptsOf(Handlers.items, List.of(ids.get(2)), 2) == 1);
        List<TaskFeed.Received> dead = new CopyOnWriteArrayList<>();
        await("poison dead-lettered").atMost(WAIT).until(() -> {
            dead.addAll(TaskFeed.take("it-batch-items.dlq"));
            return !dead.isEmpty();
        });
        assertThat(dead, hasSize(1));
        assertThat(dead.getFirst().header("levee-task-id"), is(ids.get(1)));
        assertThat(dead.getFirst().header("levee-error-class"), is(PermanentTaskFailure.class.getName()));
        assertThat("the good row ran once", attemptsOf(Handlers.items, List.of(ids.get(0)), 1), is(1));
        assertThat("and was not retried", attemptsOf(Handlers.items, List.of(ids.get(0)), 2), is(0));
    }

    private static int attemptsOf(List<Call> calls, List<String> ids, int attempt) {
        int n = 0;
        for (Call c : calls) {
            for (int i = 0; i < c.ids().size(); i++) {
                if (ids.contains(c.ids().get(i)) && c.attempts().get(i) == attempt) {
                    n++;
                }
            }
        }
        return n;
    }
}
