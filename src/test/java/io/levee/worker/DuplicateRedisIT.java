package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Duplicate suppression in Redis ({@code LEVEE_TEST_REDIS_URI}, default db 5 of 127.0.0.1:6379), where a session
 * checks the tasks it holds in one round trip: copies of one task within a prefetch window, within a batch, and
 * across windows reach the handler once.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DuplicateRedisIT.Handlers.class)
@AddConfig(key = "levee.state.redis-uri", value = "${levee.test.redis.uri:redis://127.0.0.1:6379/5}")
@AddConfig(key = "levee.state.key-prefix", value = "levee-it-duplicate-redis:")
@AddConfig(key = "levee.queues.it-dup-redis.max-length", value = "10000")
@AddConfig(key = "levee.queues.it-dup-redis.prefetch", value = "50")
@AddConfig(key = "levee.queues.it-dup-redis-batch.max-length", value = "10000")
class DuplicateRedisIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Counts how often each task id reached a handler. */
    @ApplicationScoped
    public static class Handlers {
        static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @TaskHandler(queue = "it-dup-redis", deduplicate = true)
        public void single(String body, TaskContext task) {
            count(task);
        }

        @TaskHandler(queue = "it-dup-redis-batch", deduplicate = true, batchSize = 10, batchWait = "1s")
        public void batch(List<String> bodies, List<TaskContext> tasks) {
            tasks.forEach(Handlers::count);
        }

        private static void count(TaskContext task) {
            calls.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    void copiesOfATaskInOneWindowAndAcrossWindowsAreHandledOnce() {
        // 200 tasks, each published three times in a row: most copies meet in one window, some in the next.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        List<String> copies = new ArrayList<>();
        for (String id : ids) {
            copies.addAll(List.of(id, id, id));
        }
        publishAll("it-dup-redis", copies);
        await("every task handled").atMost(WAIT).until(() -> ids.stream().allMatch(Handlers.calls::containsKey));
        await("queue drained").atMost(WAIT).until(() -> TestBroker.depth("it-dup-redis") == 0);
        for (String id : ids) {
            assertThat("task " + id, Handlers.calls.get(id).get(), is(1));
        }
    }

    @Test
    void aTaskTwiceInOneBatchIsHandledOnce() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-redis-batch", id);
        publish("it-dup-redis-batch", id);
        String marker = publish("it-dup-redis-batch", UUID.randomUUID().toString());

        await("marker handled").atMost(WAIT).until(() -> Handlers.calls.containsKey(marker));
        await("queue drained").atMost(WAIT).until(() -> TestBroker.depth("it-dup-redis-batch") == 0);
        assertThat(Handlers.calls.get(id).get(), is(1));
    }

    private static String publish(String queue, String id) {
        publishAll(queue, List.of(id));
        return id;
    }

    /** Publishes a task per id, in order, on one channel (fast enough to fill the consumers' windows). */
    private static void publishAll(String queue, List<String> ids) {
        TaskFeed.awaitDeclared(queue);
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (String id : ids) {
                Map<String, Object> headers = new HashMap<>();
                headers.put("levee-task-id", id);
                headers.put("levee-submitted-at", System.currentTimeMillis());
                ch.basicPublish(
                        "",
                        queue,
                        TestBroker.jsonProperties(id, headers),
                        "{\"d\":1}".getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(10_000);
        } catch (IOException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("cannot publish to " + queue, e);
        }
    }
}
