package io.levee.observability;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskListener.Outcome;
import java.time.Instant;
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

/** One line per task outcome, readable as text and as one JSON object with the task's fields. */
class TaskLogTest {

    static final TaskContext TASK = new TaskContext() {
        @Override
        public String taskId() {
            return "t-1";
        }

        @Override
        public String queue() {
            return "orders";
        }

        @Override
        public int attempt() {
            return 2;
        }

        @Override
        public String requestId() {
            return "req-9";
        }

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public Instant submittedAt() {
            return Instant.EPOCH;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }
    };

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
    Level before;

    @BeforeEach
    void capture() {
        before = TaskLog.LOG.getLevel();
        TaskLog.LOG.setLevel(Level.FINE);
        TaskLog.LOG.addHandler(capture);
    }

    @AfterEach
    void release() {
        TaskLog.LOG.removeHandler(capture);
        TaskLog.LOG.setLevel(before);
    }

    @Test
    void aSuccessIsOneFineLineWithEveryField() {
        TaskLog.outcome(TASK, Outcome.SUCCEEDED, null, 42_000_000);

        assertThat(records, hasSize(1));
        LogRecord r = records.getFirst();
        assertThat(r.getLevel(), is(Level.FINE));
        assertThat(r.getMessage(), is("task t-1 queue=orders request=req-9 attempt=2 duration=42ms outcome=succeeded"));
    }

    @Test
    void aDeadLetterIsAWarningWithTheErrorAndAsJsonCarriesTheFields() throws Exception {
        TaskLog.outcome(TASK, Outcome.DEAD_LETTERED, new IllegalStateException("no"), 5_000_000);

        LogRecord r = records.getFirst();
        assertThat(r.getLevel(), is(Level.WARNING));
        JsonNode json = new ObjectMapper().readTree(new JsonLogFormatter().format(r));
        assertThat(json.path("level").asText(), is("WARNING"));
        assertThat(json.path("logger").asText(), is("io.levee.task"));
        assertThat(json.path("queue").asText(), is("orders"));
        assertThat(json.path("taskId").asText(), is("t-1"));
        assertThat(json.path("requestId").asText(), is("req-9"));
        assertThat(json.path("attempt").asInt(), is(2));
        assertThat(json.path("durationMs").asLong(), is(5L));
        assertThat(json.path("outcome").asText(), is("dead-lettered"));
        assertThat(json.path("error").asText(), is("java.lang.IllegalStateException: no"));
        assertThat(json.path("exception").asText(), containsString("IllegalStateException: no"));
    }

    @Test
    void aPlainRecordIsOneJsonLine() throws Exception {
        String line = new JsonLogFormatter().format(new LogRecord(Level.INFO, "Connected"));

        assertThat(line.endsWith(System.lineSeparator()), is(true));
        assertThat(line.strip().contains("\n"), is(false));
        assertThat(new ObjectMapper().readTree(line).path("message").asText(), is("Connected"));
    }
}
