package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the default configuration, a handled task's outcome is a line of its own on {@code io.levee.task}, with the
 * task id the 202 named, its request id and attempt, at INFO.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(TaskLogIT.Quick.class)
@AddConfig(key = "levee.queues.it-task-log.concurrency", value = "1")
class TaskLogIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    WebTarget target;

    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void capture() {
        TaskLog.LOG.addHandler(capture);
        await("Levee ready").atMost(DEADLINE).until(() -> {
            try (Response r = target.path("/health/ready").request().get()) {
                return r.getStatus() == 200;
            }
        });
    }

    @AfterEach
    void release() {
        TaskLog.LOG.removeHandler(capture);
    }

    @Test
    void aHandledTaskGetsItsOutcomeLineByDefault() throws Exception {
        String id;
        try (Response r = target.path("/v1/queues/it-task-log/tasks")
                .request()
                .header("X-Request-Id", "req-task-log")
                .post(Entity.entity("{\"n\":1}", "application/json"))) {
            assertThat(r.getStatus(), is(202));
            id = new ObjectMapper()
                    .readTree(r.readEntity(String.class))
                    .path("id")
                    .asText();
        }

        LogRecord line = await("the task's outcome line")
                .atMost(DEADLINE)
                .until(() -> outcomeLine(id), Optional::isPresent)
                .orElseThrow();

        assertThat(line.getLevel(), is(Level.INFO));
        assertThat(
                line.getMessage(),
                is("task " + id + " queue=it-task-log request=req-task-log attempt=1 duration="
                        + ((Map<?, ?>) line.getParameters()[0]).get("durationMs") + "ms outcome=succeeded"));
    }

    private Optional<LogRecord> outcomeLine(String taskId) {
        return records.stream()
                .filter(r -> r.getParameters() != null
                        && r.getParameters().length == 1
                        && r.getParameters()[0] instanceof Map<?, ?> fields
                        && taskId.equals(fields.get("taskId")))
                .findFirst();
    }

    /** Does nothing: the task succeeds. */
    @ApplicationScoped
    public static class Quick {

        @TaskHandler("it-task-log")
        public void handle(TaskContext task) {}
    }
}
