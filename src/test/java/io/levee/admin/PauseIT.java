package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.LeveeProcess;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pause and resume: running tasks finish, no new one starts, ingest goes on and the depth grows, resume drains it;
 * the command reaches every worker replica, including one started while the queue is paused.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(PauseIT.Blocking.class)
@AddConfig(key = "levee.queues.it-ops-pause.concurrency", value = "2")
@AddConfig(key = "levee.queues.it-ops-pause.prefetch", value = "1")
@AddConfig(key = "levee.queues.it-ops-two.concurrency", value = "1")
@AddConfig(key = "levee.demo.enabled", value = "true")
@AddConfig(key = "levee.demo.queue", value = "it-ops-two")
@AddConfig(key = "levee.demo.log", value = "false")
class PauseIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    OperationsClient api;

    @BeforeEach
    void ready() {
        api = new OperationsClient("http://127.0.0.1:" + target.getUri().getPort());
        api.awaitReady();
    }

    /** Blocks every task until released; records which tasks started and finished. */
    @ApplicationScoped
    public static class Blocking {
        static final CountDownLatch release = new CountDownLatch(1);
        static final Set<String> started = ConcurrentHashMap.newKeySet();
        static final Set<String> finished = ConcurrentHashMap.newKeySet();

        @TaskHandler(queue = "it-ops-pause")
        public void handle(String body, TaskContext task) throws InterruptedException {
            started.add(task.taskId());
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            finished.add(task.taskId());
        }
    }

    @Test
    void pausedWithTasksInFlightTheyFinishNoNewOneStartsIngestGoesOnAndResumeDrains() {
        TaskFeed.purge("it-ops-pause");
        List<String> first = TaskFeed.publish("it-ops-pause", 4);
        // Two sessions with prefetch 1: two tasks running, two ready.
        await("two tasks in flight").atMost(DEADLINE).until(() -> Blocking.started.size() == 2);

        OperationsClient.Answer paused = api.post("/v1/queues/it-ops-pause/pause", "");
        assertThat(paused.raw().body(), paused.status(), is(200));
        assertThat(paused.json().get("paused").asBoolean(), is(true));
        assertThat(api.get("/v1/queues/it-ops-pause").json().get("paused").asBoolean(), is(true));

        Blocking.release.countDown();
        await("the two in flight finish").atMost(DEADLINE).until(() -> Blocking.finished.size() == 2);
        for (int i = 0; i < 5; i++) {
            OperationsClient.Answer accepted = api.post("/v1/queues/it-ops-pause/tasks", "{\"more\":" + i + "}");
            assertThat("ingest goes on while paused", accepted.status(), is(202));
        }
        await("the depth grows to 2 + 5").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-pause") == 7);
        assertThat(
                "no consumer on the queue",
                api.get("/v1/queues/it-ops-pause").json().get("consumers").asInt(),
                is(0));
        assertThat("no new task started", Blocking.started.size(), is(2));

        OperationsClient.Answer resumed = api.post("/v1/queues/it-ops-pause/resume", "");
        assertThat(resumed.json().get("paused").asBoolean(), is(false));
        assertThat(api.get("/v1/queues/it-ops-pause").json().get("paused").asBoolean(), is(false));
        await("resume drains it").atMost(DEADLINE).until(() -> Blocking.finished.size() == 9);
        await("queue empty").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-pause") == 0);
        assertThat(Blocking.finished.containsAll(first), is(true));
    }

    @Test
    void twoWorkerReplicasBothPauseAndResumeIncludingOneStartedWhilePaused() throws Exception {
        TaskFeed.awaitDeclared("it-ops-two");
        await("this replica consumes").atMost(DEADLINE).until(() -> consumers() == 1);
        assertThat(api.post("/v1/queues/it-ops-two/pause", "").status(), is(200));
        await("this replica paused").atMost(DEADLINE).until(() -> consumers() == 0);

        try (LeveeProcess second = LeveeProcess.start(
                "worker",
                "levee.demo.enabled=true",
                "levee.demo.queue=it-ops-two",
                "levee.demo.log=false",
                "levee.queues.it-ops-two.concurrency=1")) {
            await("the second replica started paused").atMost(DEADLINE).until(() -> second.output()
                    .contains("Paused (by an operator) before consuming queue 'it-ops-two'"));
            TaskFeed.publish("it-ops-two", 20);
            await("tasks wait in the queue").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-two") == 20);
            assertThat("neither replica consumes", consumers(), is(0));

            assertThat(api.post("/v1/queues/it-ops-two/resume", "").status(), is(200));
            await("both replicas consume").atMost(DEADLINE).until(() -> consumers() == 2);
            await("the backlog drains").atMost(DEADLINE).until(() -> TestBroker.depth("it-ops-two") == 0);

            assertThat(api.post("/v1/queues/it-ops-two/pause", "").status(), is(200));
            await("both replicas pause").atMost(DEADLINE).until(() -> consumers() == 0);
            assertThat(second.output().contains("Paused consuming queue 'it-ops-two'"), is(true));
            assertThat(api.post("/v1/queues/it-ops-two/resume", "").status(), is(200));
            await("both consume again").atMost(DEADLINE).until(() -> consumers() == 2);
        }
    }

    private int consumers() {
        return api.get("/v1/queues/it-ops-two").json().get("consumers").asInt();
    }
}
