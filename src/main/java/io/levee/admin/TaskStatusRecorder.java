package io.levee.admin;

import io.levee.config.StateSettings;
import io.levee.messaging.TaskLifecycle;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Task status, built from what the gateway and the workers report ({@link TaskLifecycle}): kept in memory, or in
 * Redis when {@code levee.state.redis-uri} is set, for each queue's {@code status-ttl}; not at all for a queue with
 * {@code status=false}.
 */
@ApplicationScoped
public class TaskStatusRecorder implements TaskLifecycle {

    /** States a task passes through, as answered by {@code GET /v1/queues/{queue}/tasks/{id}}. */
    static final String ACCEPTED = "accepted";

    static final String PROCESSING = "processing";
    static final String RETRYING = "retrying";
    static final String SUCCEEDED = "succeeded";
    static final String DEAD = "dead";

    private final StateSettings settings;
    private final TaskStatusStore store;

    @Inject
    TaskStatusRecorder(StateSettings settings) {
        this.settings = settings;
        this.store = settings.redisUri()
                .<TaskStatusStore>map(uri -> new RedisTaskStatusStore(uri, settings.keyPrefix()))
                .orElseGet(() -> new InMemoryTaskStatusStore(Clock.systemUTC(), settings.maxEntries()));
    }

    /** Whether the queue's tasks have a status. */
    boolean tracks(String queue) {
        return settings.tracksStatus(queue);
    }

    /** A task's status fields, empty when unknown, expired or not tracked. */
    Optional<Map<String, String>> status(String queue, String taskId) {
        return tracks(queue) ? store.read(queue, taskId) : Optional.empty();
    }

    @Override
    public void accepted(String queue, String taskId, long at) {
        if (tracks(queue)) {
            // Immutable already, so the update takes it without a copy: this runs for every accepted task.
            String time = Long.toString(at);
            record(queue, taskId, 0, Map.of("state", ACCEPTED, "attempts", "0", "acceptedAt", time, "updatedAt", time));
        }
    }

    @Override
    public void started(String queue, String taskId, int attempt, long submittedAt, long at) {
        if (tracks(queue)) {
            Map<String, String> f = attempt(PROCESSING, attempt, submittedAt, at);
            f.put("startedAt", Long.toString(at));
            record(queue, taskId, rank(attempt, 1), f);
        }
    }

    @Override
    public void retrying(
            String queue, String taskId, int attempt, long submittedAt, long at, String errorClass, String message) {
        if (tracks(queue)) {
            Map<String, String> f = attempt(RETRYING, attempt, submittedAt, at);
            error(f, errorClass, message);
            record(queue, taskId, rank(attempt, 2), f);
        }
    }

    @Override
    public void succeeded(String queue, String taskId, int attempt, long submittedAt, long at, byte[] result) {
        if (tracks(queue)) {
            Map<String, String> f = attempt(SUCCEEDED, attempt, submittedAt, at);
            f.put("finishedAt", Long.toString(at));
            if (result != null) {
                if (result.length <= settings.resultMaxSize()) {
                    f.put("result", new String(result, StandardCharsets.UTF_8));
                } else {
                    f.put("resultOmitted", result.length + " bytes, over levee.state.result-max-size");
                }
            }
            record(queue, taskId, rank(attempt, 3), f);
        }
    }

    @Override
    public void dead(
            String queue, String taskId, int attempt, long submittedAt, long at, String errorClass, String message) {
        if (tracks(queue)) {
            Map<String, String> f = attempt(DEAD, attempt, submittedAt, at);
            f.put("finishedAt", Long.toString(at));
            error(f, errorClass, message);
            record(queue, taskId, rank(attempt, 3), f);
        }
    }

    /** Later stages of later attempts rank higher; acceptance ranks lowest. */
    private static int rank(int attempt, int stage) {
        return attempt * 4 + stage;
    }

    private static Map<String, String> attempt(String state, int attempt, long submittedAt, long at) {
        Map<String, String> f = new HashMap<>();
        f.put("state", state);
        f.put("attempts", Integer.toString(attempt));
        f.put("updatedAt", Long.toString(at));
        if (submittedAt > 0) {
            f.put("acceptedAt", Long.toString(submittedAt));
        }
        return f;
    }

    private static void error(Map<String, String> f, String errorClass, String message) {
        f.put("errorClass", errorClass == null ? "" : errorClass);
        f.put("errorMessage", message == null ? "" : message);
    }

    private void record(String queue, String taskId, int rank, Map<String, String> fields) {
        store.record(new TaskStatusStore.Update(queue, taskId, rank, fields, settings.ttl(queue)));
    }

    @PreDestroy
    void close() {
        store.close();
    }
}
