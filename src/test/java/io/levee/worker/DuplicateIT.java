package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Duplicate suppression against a real broker: a task published twice with one id is handled once when its handler
 * deduplicates and twice when it does not; configuration overrides the annotation; a failed attempt is not
 * remembered, so its retry runs.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DuplicateIT.Handlers.class)
@AddConfig(key = "levee.queues.it-dup-on.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-dup-off.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-dup-configured.deduplicate", value = "true")
@AddConfig(key = "levee.queues.it-dup-retry.retry-delays", value = "100ms")
@AddConfig(key = "levee.queues.it-dup-batch.max-length", value = "1000")
class DuplicateIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Counts how often each task id reached a handler. */
    @ApplicationScoped
    public static class Handlers {
        static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        static final Map<String, Boolean> redelivered = new ConcurrentHashMap<>();

        @TaskHandler(queue = "it-dup-on", deduplicate = true)
        public void on(String body, TaskContext task) {
            count(task);
        }

        @TaskHandler(queue = "it-dup-off")
        public void off(String body, TaskContext task) {
            count(task);
        }

        @TaskHandler(queue = "it-dup-configured")
        public void configured(String body, TaskContext task) {
            count(task);
        }

        @TaskHandler(queue = "it-dup-retry", deduplicate = true)
        public void failsFirst(String body, TaskContext task) {
            count(task);
            if (task.attempt() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        }

        @TaskHandler(queue = "it-dup-batch", deduplicate = true, batchSize = 10, batchWait = "1s")
        public void batch(List<String> bodies, List<TaskContext> tasks) {
            tasks.forEach(Handlers::count);
        }

        private static void count(TaskContext task) {
            calls.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
            redelivered.put(task.taskId(), task.redelivered());
        }
    }

    @Test
    void aTaskPublishedTwiceWithOneIdIsHandledOnceWhenTheHandlerDeduplicates() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-on", id);
        publish("it-dup-on", id);
        String marker = publish("it-dup-on", UUID.randomUUID().toString());

        // One session takes the queue in order: once the marker ran, both copies were taken.
        await("marker handled").atMost(WAIT).until(() -> Handlers.calls.containsKey(marker));
        await("queue drained").atMost(WAIT).until(() -> TestBroker.depth("it-dup-on") == 0);
        assertThat(Handlers.calls.get(id).get(), is(1));
        assertThat("a second publish is not a redelivery", Handlers.redelivered.get(id), is(false));
    }

    @Test
    void aTaskTwiceInOneBatchIsHandledOnce() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-batch", id);
        publish("it-dup-batch", id);
        String marker = publish("it-dup-batch", UUID.randomUUID().toString());

        await("marker handled").atMost(WAIT).until(() -> Handlers.calls.containsKey(marker));
        await("queue drained").atMost(WAIT).until(() -> TestBroker.depth("it-dup-batch") == 0);
        assertThat(Handlers.calls.get(id).get(), is(1));
    }

    @Test
    void aTaskPublishedTwiceWithOneIdIsHandledTwiceWithoutDeduplication() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-off", id);
        publish("it-dup-off", id);

        await("both copies handled")
                .atMost(WAIT)
                .until(() ->
                        Handlers.calls.containsKey(id) && Handlers.calls.get(id).get() == 2);
    }

    @Test
    void configurationSwitchesDeduplicationOnForAHandlerThatDoesNotAskForIt() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-configured", id);
        publish("it-dup-configured", id);
        String marker = publish("it-dup-configured", UUID.randomUUID().toString());

        await("marker handled").atMost(WAIT).until(() -> Handlers.calls.containsKey(marker));
        assertThat(Handlers.calls.get(id).get(), is(1));
    }

    @Test
    void aFailedAttemptIsNotRememberedSoItsRetryRunsAndARepeatAfterSuccessDoesNot() {
        String id = UUID.randomUUID().toString();
        publish("it-dup-retry", id);

        await("retried and succeeded")
                .atMost(WAIT)
                .until(() ->
                        Handlers.calls.containsKey(id) && Handlers.calls.get(id).get() == 2);
        publish("it-dup-retry", id);
        String marker = publish("it-dup-retry", UUID.randomUUID().toString());
        await("marker's retry handled")
                .atMost(WAIT)
                .until(() -> Handlers.calls.containsKey(marker)
                        && Handlers.calls.get(marker).get() == 2);
        assertThat(
                "the repeat after success was not handled",
                Handlers.calls.get(id).get(),
                is(2));
    }

    private static String publish(String queue, String id) {
        TaskFeed.awaitDeclared(queue);
        Map<String, Object> headers = new HashMap<>();
        headers.put("levee-task-id", id);
        headers.put("levee-submitted-at", System.currentTimeMillis());
        TestBroker.publish(
                "", queue, TestBroker.jsonProperties(id, headers), "{\"d\":1}".getBytes(StandardCharsets.UTF_8));
        return id;
    }
}
