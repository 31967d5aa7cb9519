package levee.faults;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Bulkhead;

/**
 * The fault harness's handler of queue {@code faults}: records every task it handles in PostgreSQL, one committed
 * row per handling (so a crash after the commit and before the acknowledgement shows as a duplicate, never as a
 * loss). The first attempt of {@code levee.faults.fail-first-percent} % of tasks (chosen by task id) fails, which
 * sends them through the retry queues. {@code @Bulkhead} is set per run through MicroProfile Fault Tolerance's
 * override {@code levee.faults.RecordingHandler/handle/Bulkhead/value}: below the queue's concurrency, handlers
 * return tasks.
 */
@ApplicationScoped
public class RecordingHandler {

    private final String jdbc;
    private final String table;
    private final int failFirstPercent;
    private final Duration workTime;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();

    @Inject
    RecordingHandler(
            @ConfigProperty(name = "levee.faults.jdbc") String jdbc,
            @ConfigProperty(name = "levee.faults.table") String table,
            @ConfigProperty(name = "levee.faults.fail-first-percent", defaultValue = "0") int failFirstPercent,
            @ConfigProperty(name = "levee.faults.work-time", defaultValue = "PT0S") Duration workTime) {
        this.jdbc = jdbc;
        this.table = table;
        this.failFirstPercent = failFirstPercent;
        this.workTime = workTime;
    }

    @TaskHandler("faults")
    @Bulkhead(1000)
    public void handle(byte[] payload, TaskContext task) throws Exception {
        if (!workTime.isZero()) {
            Thread.sleep(workTime);
        }
        if (task.attempt() == 1 && Math.floorMod(task.taskId().hashCode(), 100) < failFirstPercent) {
            throw new IllegalStateException("the first attempt of this task fails by design");
        }
        record(task);
    }

    private void record(TaskContext task) throws SQLException {
        Connection c = connection.get();
        if (c == null || c.isClosed()) {
            c = DriverManager.getConnection(jdbc);
            connection.set(c);
        }
        try (PreparedStatement s =
                c.prepareStatement("insert into " + table + " (task_id, attempt, pid) values (?, ?, ?)")) {
            s.setString(1, task.taskId());
            s.setInt(2, task.attempt());
            s.setLong(3, ProcessHandle.current().pid());
            s.executeUpdate();
        }
    }
}
