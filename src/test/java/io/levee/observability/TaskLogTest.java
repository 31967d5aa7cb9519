package io.levee.observability;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskListener.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One line per task outcome, readable as text and as one JSON object with the task's fields; beyond the lines budget
 * per second, one summary line per queue and second that accounts for every outcome.
 */
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

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T10:00:00.100Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
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
        TaskLog.LOG.setLevel(Level.INFO);
        TaskLog.LOG.addHandler(capture);
    }

    @AfterEach
    void release() {
        TaskLog.LOG.removeHandler(capture);
        TaskLog.LOG.setLevel(before);
    }

    private List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    private static TaskContext task(String queue) {
        return new TaskContext() {
            @Override
            public String taskId() {
                return "t-2";
            }

            @Override
            public String queue() {
                return queue;
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public String requestId() {
                return "req-1";
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
    }

    @Test
    void aSuccessIsOneInfoLineWithEveryFieldAndAQuietQueueNeedsNoSummary() {
        TaskLog log = new TaskLog(clock, 50);
        log.outcome(TASK, Outcome.SUCCEEDED, null, 42_000_000);

        assertThat(records, hasSize(1));
        LogRecord r = records.getFirst();
        assertThat(r.getLevel(), is(Level.INFO));
        assertThat(r.getMessage(), is("task t-1 queue=orders request=req-9 attempt=2 duration=42ms outcome=succeeded"));
        log.flush();
        assertThat("every outcome had its line: no summary", records, hasSize(1));
    }

    @Test
    void beyondTheBudgetSuccessesAreCountedIntoOneSummaryLinePerQueue() throws Exception {
        TaskLog log = new TaskLog(clock, 3);
        for (int i = 0; i < 4_210; i++) {
            log.outcome(TASK, Outcome.SUCCEEDED, null, 1_000_000);
        }
        log.outcome(TASK, Outcome.RETURNED, null, 0);
        log.outcome(task("invoices"), Outcome.DUPLICATE, null, 0);
        assertThat("only the budget's lines", messages(), hasSize(3));

        now.set(now.get().plusMillis(1_000));
        log.flush();

        assertThat(
                messages().subList(3, 5),
                contains(
                        "tasks queue=invoices duplicate=1 in the last 1.0 s, 1 not logged one by one",
                        "tasks queue=orders succeeded=4,210 returned=1 in the last 1.0 s, 4,208 not logged one by one"));
        JsonNode json = new ObjectMapper().readTree(new JsonLogFormatter().format(records.get(4)));
        assertThat(json.path("level").asText(), is("INFO"));
        assertThat(json.path("logger").asText(), is("io.levee.task"));
        assertThat(json.path("queue").asText(), is("orders"));
        assertThat(json.path("intervalMs").asLong(), is(1_000L));
        assertThat(json.path("outcomes").path("succeeded").asLong(), is(4_210L));
        assertThat(json.path("outcomes").path("returned").asLong(), is(1L));
        assertThat(json.path("notLogged").asLong(), is(4_208L));

        log.flush();
        assertThat("the counts start again after a summary", records, hasSize(5));
    }

    @Test
    void theBudgetIsPerSecond() {
        TaskLog log = new TaskLog(clock, 2);
        for (int i = 0; i < 5; i++) {
            log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        }
        now.set(now.get().plusMillis(1_000));
        for (int i = 0; i < 5; i++) {
            log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        }
        assertThat("two lines in each second", records, hasSize(4));
        log.flush();
        assertThat(
                messages().getLast(), is("tasks queue=orders succeeded=10 in the last 1.0 s, 6 not logged one by one"));
    }

    @Test
    void failuresAlwaysGetTheirLineAndSpendTheBudget() {
        TaskLog log = new TaskLog(clock, 2);
        for (int i = 0; i < 3; i++) {
            log.outcome(TASK, Outcome.RETRIED, new IllegalStateException("busy"), 0);
        }
        log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        log.outcome(TASK, Outcome.EXPIRED, null, 0);
        log.outcome(TASK, Outcome.DEAD_LETTERED, new IllegalStateException("no"), 0);

        assertThat(
                records.stream()
                        .map(r -> r.getParameters()[0])
                        .map(f -> ((Map<?, ?>) f).get("outcome"))
                        .toList(),
                contains("retried", "retried", "retried", "expired", "dead-lettered"));
        assertThat(records.getFirst().getMessage(), containsString("error=java.lang.IllegalStateException: busy"));
        now.set(now.get().plusMillis(2_500));
        log.flush();
        assertThat(
                messages().getLast(),
                is("tasks queue=orders succeeded=1 retried=3 dead-lettered=1 expired=1 in the last 2.5 s,"
                        + " 1 not logged one by one"));
    }

    @Test
    void aBudgetOfZeroWritesSummariesOnly() {
        TaskLog log = new TaskLog(clock, 0);
        for (int i = 0; i < 7; i++) {
            log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        }
        assertThat(records, hasSize(0));
        now.set(now.get().plusMillis(1_000));
        log.flush();
        assertThat(messages(), contains("tasks queue=orders succeeded=7 in the last 1.0 s, 7 not logged one by one"));
    }

    @Test
    void unlimitedWritesEveryLineAndNoSummary() {
        TaskLog log = new TaskLog(clock, TaskLog.UNLIMITED);
        for (int i = 0; i < 1_000; i++) {
            log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        }
        log.flush();
        assertThat(records, hasSize(1_000));
        assertThat(log.summarises(), is(false));
    }

    @Test
    void aLoggerAboveInfoCountsNothingAndStillShowsDeadLetters() {
        TaskLog.LOG.setLevel(Level.WARNING);
        TaskLog log = new TaskLog(clock, 0);
        log.outcome(TASK, Outcome.SUCCEEDED, null, 0);
        log.outcome(TASK, Outcome.DEAD_LETTERED, new IllegalStateException("no"), 0);
        log.flush();
        assertThat(records, hasSize(1));
        assertThat(records.getFirst().getLevel(), is(Level.WARNING));
    }

    @Test
    void aBudgetBelowMinusOneIsRefusedWithTheSettingsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskLog(clock, -2));
        assertThat(e.getMessage(), is("levee.log.task-lines-per-second must be -1 (unlimited) or more, was -2"));
    }

    @Test
    void aDeadLetterIsAWarningWithTheErrorAndAsJsonCarriesTheFields() throws Exception {
        new TaskLog(clock, 50).outcome(TASK, Outcome.DEAD_LETTERED, new IllegalStateException("no"), 5_000_000);

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
