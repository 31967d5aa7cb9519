package io.levee.interop;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import com.rabbitmq.client.AMQP;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.limits.RateLimitException;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tasks written by plain AMQP producers that know nothing of Levee's headers. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(AmqpInteropIT.Plain.class)
@AddBean(AmqpInteropIT.Claimed.class)
@AddBean(AmqpInteropIT.Other.class)
@AddConfig(key = "levee.queues.it-interop-plain.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-interop-claimed.max-length", value = "1000")
@AddConfig(key = "levee.queues.it-interop-other.max-length", value = "1000")
class AmqpInteropIT {

    static final String PLAIN = "it-interop-plain";
    static final String CLAIMED = "it-interop-claimed";
    static final String OTHER = "it-interop-other";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aMessageWithOnlyABodyAndAContentTypeIsHandledUnderADerivedId() {
        TaskFeed.awaitConsumed(PLAIN);
        AMQP.BasicProperties onlyContentType = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .build();

        TestBroker.publish("levee.tasks", PLAIN, onlyContentType, "{\"plain\":true}".getBytes(StandardCharsets.UTF_8));

        await("handled").atMost(DEADLINE).until(() -> !Plain.seen.isEmpty());
        TaskContext task = Plain.seen.getFirst();
        assertThat(task.taskId(), startsWith("derived-"));
        assertThat(task.headers(), hasEntry("levee-id-source", "derived"));
        assertThat(task.queue(), is(PLAIN));
        assertThat(task.attempt(), is(1));
        assertThat("nothing dead-lettered", TaskFeed.take(PLAIN + ".dlq"), empty());
    }

    @Test
    void aTaskReturnedToItsQueueGoesBackToTheQueueItCameFromNotTheOneItsHeaderNames() {
        TaskFeed.awaitDeclared(CLAIMED);
        TaskFeed.awaitDeclared(OTHER);
        AMQP.BasicProperties claimsOther = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .messageId("claim-1")
                .headers(Map.of("levee-task-id", "claim-1", "levee-queue", OTHER))
                .build();

        TestBroker.publish("", CLAIMED, claimsOther, "{}".getBytes(StandardCharsets.UTF_8));

        // The first call is rate limited, so Levee returns the task to the tail of its queue; the second succeeds.
        await("handled again after its return")
                .atMost(DEADLINE)
                .until(() -> Claimed.calls.getOrDefault("claim-1", List.of()).size() == 2);
        assertThat(Claimed.calls.get("claim-1"), is(List.of(CLAIMED, CLAIMED)));
        assertThat("the other queue's handler never saw it", Other.seen, empty());
    }

    /** Records every task of the plain queue. */
    @ApplicationScoped
    public static class Plain {
        static final List<TaskContext> seen = new CopyOnWriteArrayList<>();

        @TaskHandler(PLAIN)
        public void handle(TaskContext task) {
            seen.add(task);
        }
    }

    /** Rate limited on a task's first call, so the task is returned to its queue once. */
    @ApplicationScoped
    public static class Claimed {
        static final Map<String, List<String>> calls = new ConcurrentHashMap<>();

        @TaskHandler(CLAIMED)
        public void handle(TaskContext task) {
            List<String> queues = calls.computeIfAbsent(task.taskId(), id -> new CopyOnWriteArrayList<>());
            queues.add(task.queue());
            if (queues.size() == 1) {
                throw new RateLimitException("first call of " + task.taskId() + " is over the limit");
            }
        }
    }

    /** The queue a producer's header claims the task belongs to. */
    @ApplicationScoped
    public static class Other {
        static final List<String> seen = new CopyOnWriteArrayList<>();

        @TaskHandler(OTHER)
        public void handle(TaskContext task) {
            seen.add(task.taskId());
        }
    }
}
