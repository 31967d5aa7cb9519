package bench.pg;

import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The two handlers of the batch benchmark (bench/batch/run.sh): one INSERT of one row per task, and one multi-row
 * INSERT per batch of up to 500 tasks. Each session thread keeps its own connection (autocommit: one transaction
 * per statement). Not part of Levee.
 */
@ApplicationScoped
public class PgHandlers {

    private static final String URL =
            System.getProperty("bench.pg.url", "jdbc:postgresql://127.0.0.1:5432/levee_jobs?user=postgres");
    private static final ThreadLocal<Connection> CONNECTION = ThreadLocal.withInitial(() -> {
        try {
            return DriverManager.getConnection(URL);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    });

    @TaskHandler(queue = "bench-pg-row", concurrency = "4")
    public void row(String body) throws SQLException {
        try (PreparedStatement insert =
                CONNECTION.get().prepareStatement("INSERT INTO bench_rows(body) VALUES (?::jsonb)")) {
            insert.setString(1, body);
            insert.executeUpdate();
        }
    }

    @TaskHandler(queue = "bench-pg-batch", concurrency = "4", batchSize = 500, batchWait = "200ms")
    public void batch(List<String> bodies) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO bench_rows(body) VALUES ");
        for (int i = 0; i < bodies.size(); i++) {
            sql.append(i == 0 ? "(?::jsonb)" : ",(?::jsonb)");
        }
        try (PreparedStatement insert = CONNECTION.get().prepareStatement(sql.toString())) {
            for (int i = 0; i < bodies.size(); i++) {
                insert.setString(i + 1, bodies.get(i));
            }
            insert.executeUpdate();
        }
    }
}
