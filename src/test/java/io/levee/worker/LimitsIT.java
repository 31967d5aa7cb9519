package io.levee.worker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.limits.RateLimit;
import io.levee.limits.RateLimitListener;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code @Bulkhead} and {@code @RateLimit} on task handlers: limits hold, nothing is lost, no attempt is burned. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(LimitsIT.Bulkheaded.class)
@AddBean(LimitsIT.Paced.class)
@AddBean(LimitsIT.Rejecting.class)
@AddBean(LimitsIT.PermitClock.class)
@AddConfig(key = "levee.queues.it-limits-bulkhead.concurrency", value = "8")
@AddConfig(key = "levee.queues.it-limits-paced.concurrency", value = "4")
@AddConfig(key = "levee.queues.it-limits-reject.concurrency", value = "4")
class LimitsIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;

    @Test
    void aBulkheadOfTwoUnderEightSessionsNeverRunsMoreThanTwoAndBurnsNoAttempt() {
        List<String> ids = TaskFeed.publish("it-limits-bulkhead", 100);

        await("all handled")
                .atMost(DEADLINE)
                .until(() -> Bulkheaded.attempts.keySet().containsAll(ids));
        await("queue drained").atMost(DEADLINE).until(() -> TestBroker.depth("it-limits-bulkhead") == 0);
        assertThat("never more than 2 at once", Bulkheaded.maxConcurrent.get(), lessThanOrEqualTo(2));
        assertThat("the bulkhead was actually full at times", Bulkheaded.maxConcurrent.get(), is(2));
        for (String id : ids) {
            assertThat("task " + id + " ran once, on attempt 1", Bulkheaded.attempts.get(id), is(List.of(1)));
        }
    }

    @Test
    void aWaitingRateLimitOfTwentyPerSecondPacesStartsAndLosesNothing() {
        // One task first: the first call registers the limiter's metrics, which delays the listeners that record
        // permits; the measurement starts after it.
        List<String> warmUp = TaskFeed.publish("it-limits-paced", 1);
        await("warm-up handled")
                .atMost(DEADLINE)
                .until(() -> Paced.handled.keySet().containsAll(warmUp));
        PermitClock.permits.clear();
        Paced.starts.clear();
        List<String> ids = TaskFeed.publish("it-limits-paced", 60);

        await("all handled").atMost(DEADLINE).until(() -> Paced.handled.keySet().containsAll(ids));
        // Permit times as the limiter hands them out: a handler's own first line can run late on a busy machine,
        // which would move its start next to the following one without the limiter having allowed that.
        List<Long> starts = new ArrayList<>(PermitClock.permits);
        starts.sort(null);
        int worst = 0;
        for (int i = 0; i < starts.size(); i++) {
            int j = i;
            while (j < starts.size() && starts.get(j) - starts.get(i) < 1_000_000_000L) {
                j++;
            }
            worst = Math.max(worst, j - i);
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < starts.size(); i++) {
            gaps.add((starts.get(i) - starts.get(i - 1)) / 1_000_000);
        }
        assertThat("starts in the busiest 1 s window; gaps in ms: " + gaps, worst, lessThanOrEqualTo(21));
        assertThat("the limit was reached, so the measure can fail", worst, greaterThan(15));
        assertThat("every start had a permit", Paced.starts.size(), is(starts.size()));
        assertThat(Paced.handled.values().stream().map(AtomicInteger::get).toList(), everyItem(is(1)));
        assertThat(
                "waits were counted",
                metrics.counter("levee.ratelimit.waits", new Tag("method", Paced.class.getName() + "#handle"))
                        .getCount(),
                greaterThan(0L));
    }

    @Test
    void aRejectingRateLimitReturnsTasksToTheQueueAndLosesNone() {
        List<String> ids = TaskFeed.publish("it-limits-reject", 40);

        await("all handled")
                .atMost(DEADLINE)
                .until(() -> Rejecting.handled.keySet().containsAll(ids));
        await("queue drained").atMost(DEADLINE).until(() -> TestBroker.depth("it-limits-reject") == 0);
        assertThat(
                "rejections happened",
                metrics.counter("levee.ratelimit.rejections", new Tag("method", Rejecting.class.getName() + "#handle"))
                        .getCount(),
                greaterThan(0L));
        assertThat(Rejecting.handled.values().stream().map(AtomicInteger::get).toList(), everyItem(is(1)));
        assertThat("no attempt consumed by rejections", Rejecting.attempts, everyItem(is(1)));
        assertThat(
                "nothing dead-lettered",
                TaskFeed.take("it-limits-reject.dlq").stream()
                        .filter(r -> ids.contains(r.header("levee-task-id")))
                        .count(),
                is(0L));
    }

    /** At most two at once, and slow enough that eight sessions collide. */
    @ApplicationScoped
    public static class Bulkheaded {
        static final Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        static final AtomicInteger running = new AtomicInteger();
        static final AtomicInteger maxConcurrent = new AtomicInteger();

        @Bulkhead(2)
        @TaskHandler("it-limits-bulkhead")
        public void handle(TaskContext task) {
            int now = running.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                attempts.computeIfAbsent(task.taskId(), k -> new CopyOnWriteArrayList<>())
                        .add(task.attempt());
                // Simulated work (not a wait for a condition): long enough that eight sessions collide.
                LockSupport.parkNanos(20_000_000);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** Paced to 20 starts per second, waiting for permits. */
    @ApplicationScoped
    public static class Paced {
        static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        static final List<Long> starts = new CopyOnWriteArrayList<>();

        @RateLimit(value = 20, window = 1, windowUnit = ChronoUnit.SECONDS, mode = RateLimit.Mode.WAIT)
        @TaskHandler("it-limits-paced")
        public void handle(TaskContext task) {
            starts.add(System.nanoTime());
            handled.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Records when the limiter of {@link Paced} hands out a permit. */
    @ApplicationScoped
    public static class PermitClock implements RateLimitListener {
        static final List<Long> permits = new CopyOnWriteArrayList<>();

        @Override
        public void permitted(String limiter) {
            if (limiter.equals(Paced.class.getName() + "#handle")) {
                permits.add(System.nanoTime());
            }
        }
    }

    /** Rejects calls beyond 20 per second. */
    @ApplicationScoped
    public static class Rejecting {
        static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        static final List<Integer> attempts = new CopyOnWriteArrayList<>();

        @RateLimit(value = 20, window = 1, mode = RateLimit.Mode.REJECT)
        @TaskHandler("it-limits-reject")
        public void handle(TaskContext task) {
            attempts.add(task.attempt());
            handled.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
        }
    }
}
