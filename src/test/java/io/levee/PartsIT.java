package io.levee;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.config.LeveeConfig;
import io.levee.demo.DemoHandler;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The switches of Levee's parts (docs/library.md), each test in a container of its own: a worker-only service
 * serves no API and still handles tasks; the dashboard and the contract switch off alone; the demo exists only when
 * asked for.
 */
@ExtendWith(TestBroker.class)
@HelidonTest(resetPerTest = true)
@AddBean(PartsIT.Worker.class)
@AddConfig(key = "levee.queues." + PartsIT.WORKER_QUEUE + ".retry-delays", value = "200ms")
class PartsIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String WORKER_QUEUE = "it-parts-worker";
    static final String DEMO_QUEUE = "it-parts-demo";

    @Inject
    WebTarget target;

    @Test
    @AddConfig(key = "levee.api.enabled", value = "false")
    void aWorkerOnlyServiceServesNoApiAndStillHandlesTasks() {
        assertThat(status("GET", "/v1/queues"), is(404));
        assertThat(status("POST", "/v1/queues/" + WORKER_QUEUE + "/tasks"), is(404));
        assertThat(status("GET", "/v1/queues/" + WORKER_QUEUE + "/dead-letters"), is(404));
        assertThat("the dashboard reads the API and goes with it", status("GET", "/dashboard/"), is(404));
        assertThat("the contract describes the API and goes with it", body("/openapi"), not(containsString("/v1/")));

        List<String> ids = TaskFeed.publish(WORKER_QUEUE, 3);
        await("the handler received every task").atMost(DEADLINE).until(() -> Worker.seen.containsAll(ids));
        await("ready").atMost(DEADLINE).until(() -> status("GET", "/health/ready") == 200);
    }

    @Test
    @AddConfig(key = "levee.dashboard.enabled", value = "false")
    @AddConfig(key = "levee.openapi.enabled", value = "false")
    void theDashboardAndTheContractSwitchOffAlone() {
        assertThat(status("GET", "/v1/queues"), is(200));
        assertThat(status("GET", "/dashboard/"), is(404));
        String openapi = body("/openapi");
        assertThat(openapi, not(containsString("/v1/queues/{queue}/tasks")));
        assertThat(openapi, not(containsString("x-levee-task-schemas")));
    }

    @Test
    void everyPartButTheDemoIsOnByDefault() {
        assertThat(status("GET", "/v1/queues"), is(200));
        assertThat(body("/dashboard/"), containsString("dashboard.js"));
        assertThat(body("/openapi"), containsString("/v1/queues/{queue}/tasks"));
        assertThat("no demo handler", CDI.current().select(DemoHandler.class).isUnsatisfied(), is(true));
        assertThat(
                "no demo queue",
                CDI.current().select(LeveeConfig.class).get().queues().keySet(),
                is(Set.of(WORKER_QUEUE)));
    }

    @Test
    @AddConfig(key = "levee.demo.enabled", value = "true")
    @AddConfig(key = "levee.demo.queue", value = DEMO_QUEUE)
    @AddConfig(key = "levee.demo.log", value = "false")
    void theDemoHandlerConsumesItsQueueWhenAskedFor() {
        assertThat(
                CDI.current().select(LeveeConfig.class).get().queues().keySet(), is(Set.of(DEMO_QUEUE, WORKER_QUEUE)));
        TaskFeed.publish(DEMO_QUEUE, 5);
        await("the demo handler drained its queue").atMost(DEADLINE).until(() -> TestBroker.depth(DEMO_QUEUE) == 0);
    }

    private int status(String method, String path) {
        try (Response r = "GET".equals(method)
                ? target.path(path).request().get()
                : target.path(path).request().method(method, Entity.json("{}"))) {
            return r.getStatus();
        }
    }

    private String body(String path) {
        try (Response r = target.path(path).request().get()) {
            assertThat(path, r.getStatus(), is(200));
            return r.readEntity(String.class);
        }
    }

    /** An application's handler: it records the tasks it received. */
    @ApplicationScoped
    public static class Worker {
        static final Set<String> seen = ConcurrentHashMap.newKeySet();

        @TaskHandler(WORKER_QUEUE)
        public void handle(String body, TaskContext task) {
            seen.add(task.taskId());
        }
    }
}
