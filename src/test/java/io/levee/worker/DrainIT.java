package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import io.levee.worker.internal.WorkerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful drain: the whole Levee container is shut down (as on SIGTERM) while handlers are running. In-flight tasks
 * complete, no new task starts, and the rest stay in the queue: processed + remaining = submitted.
 */
@ExtendWith(TestBroker.class)
class DrainIT {

    static final String QUEUE = "it-drain";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final int SUBMITTED = 20;
    static final int CONCURRENCY = 4;

    @Test
    void shutdownLetsInFlightTasksFinishAndLeavesTheRestInTheQueue() throws InterruptedException {
        // Leftovers of an earlier, failed run (including its retry copies) would be taken for this run's tasks.
        for (String q : List.of(QUEUE, QUEUE + ".retry.1s", QUEUE + ".retry.10s", QUEUE + ".retry.1m")) {
            TaskFeed.purge(q);
        }
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        Config config = resolver.getBuilder()
                .addDefaultSources()
                .withSources(TestConfig.overriding(Map.of(
                        "mp.initializer.allow",
                        "true",
                        "mp.initializer.no-warn",
                        "true",
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.worker.drain-timeout",
                        "30s",
                        "levee.queues." + QUEUE + ".concurrency",
                        Integer.toString(CONCURRENCY),
                        "levee.queues." + QUEUE + ".prefetch",
                        "1")))
                .build();
        resolver.registerConfig(config, Thread.currentThread().getContextClassLoader());
        SeContainer container;
        try {
            container = SeContainerInitializer.newInstance()
                    .addBeanClasses(Blocking.class)
                    .initialize();
        } finally {
            resolver.releaseConfig(config);
        }
        WorkerLifecycle lifecycle = container.select(WorkerLifecycle.class).get();
        await("consumers up").atMost(DEADLINE).until(lifecycle::isUp);
        List<String> ids = TaskFeed.publish(QUEUE, SUBMITTED);

        await("one task in flight per session").atMost(DEADLINE).until(() -> Blocking.started.size() == CONCURRENCY);
        Thread shutdown = Thread.ofPlatform().name("sigterm").start(container::close);
        await("consumers stopped taking tasks")
                .atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> !lifecycle.isUp());
        Blocking.release.countDown();
        shutdown.join(DEADLINE.toMillis());

        assertThat("container closed within the deadline", shutdown.isAlive(), is(false));
        assertThat("every in-flight task completed", Blocking.finished, is(Blocking.started));
        assertThat("no task started after shutdown began", Blocking.started.size(), is(CONCURRENCY));
        assertThat("all started tasks are ours", ids.containsAll(Blocking.started), is(true));
        await("unacknowledged tasks returned")
                .atMost(DEADLINE)
                .until(() -> TestBroker.depth(QUEUE) == SUBMITTED - Blocking.finished.size());
        assertThat("processed + remaining = submitted", Blocking.finished.size() + TestBroker.depth(QUEUE), is((long)
                SUBMITTED));
        TaskFeed.purge(QUEUE);
    }

    /** Blocks every task until the test releases it. */
    @ApplicationScoped
    public static class Blocking {
        static final Set<String> started = ConcurrentHashMap.newKeySet();
        static final Set<String> finished = ConcurrentHashMap.newKeySet();
        static final CountDownLatch release = new CountDownLatch(1);

        @TaskHandler(QUEUE)
        public void handle(TaskContext task) throws InterruptedException {
            started.add(task.taskId());
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            finished.add(task.taskId());
        }
    }
}
