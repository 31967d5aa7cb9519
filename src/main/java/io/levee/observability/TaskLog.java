package io.levee.observability;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskListener.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per task outcome, on the logger {@code io.levee.task}: queue, task id, request id, attempt, handler
 * duration and outcome. Failures are logged at INFO (retried, expired) and WARNING (dead-lettered, with the error's
 * stack); successes, returns and suppressed repeats at FINE, so that a healthy queue at thousands of tasks per second does not flood the log
 * ({@code io.levee.task.level=FINE} shows a line for every outcome). The fields also travel as the record's parameter,
 * which {@link JsonLogFormatter} writes as JSON members.
 */
final class TaskLog {

    static final Logger LOG = Logger.getLogger("io.levee.task");

    private TaskLog() {}

    static void outcome(TaskContext task, Outcome outcome, Throwable failure, long handlerNanos) {
        Level level =
                switch (outcome) {
                    case SUCCEEDED, RETURNED, DUPLICATE -> Level.FINE;
                    case RETRIED, EXPIRED -> Level.INFO;
                    case DEAD_LETTERED -> Level.WARNING;
                };
        if (!LOG.isLoggable(level)) {
            return;
        }
        long millis = handlerNanos / 1_000_000;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("queue", task.queue());
        fields.put("taskId", task.taskId());
        fields.put("requestId", task.requestId());
        fields.put("attempt", task.attempt());
        fields.put("durationMs", millis);
        fields.put("outcome", outcome.tag());
        if (failure != null) {
            fields.put("error", failure.getClass().getName() + ": " + failure.getMessage());
        }
        StringBuilder line = new StringBuilder("task ")
                .append(task.taskId())
                .append(" queue=")
                .append(task.queue())
                .append(" request=")
                .append(task.requestId())
                .append(" attempt=")
                .append(task.attempt())
                .append(" duration=")
                .append(millis)
                .append("ms outcome=")
                .append(outcome.tag());
        if (failure != null && outcome != Outcome.DEAD_LETTERED) {
            line.append(" error=").append(failure);
        }
        LogRecord record = new LogRecord(level, line.toString());
        record.setLoggerName(LOG.getName());
        record.setParameters(new Object[] {fields});
        if (outcome == Outcome.DEAD_LETTERED) {
            record.setThrown(failure);
        }
        LOG.log(record);
    }
}
