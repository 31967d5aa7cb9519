package io.levee.observability;

import io.levee.worker.TaskContext;
import io.levee.worker.TaskListener.Outcome;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per task outcome, on the logger {@code io.levee.task}: queue, task id, request id, attempt, handler
 * duration and outcome, at INFO (a dead letter at WARNING, with the error's stack). Failures (retried, expired,
 * dead-lettered) always get their line. Successes, returns and suppressed repeats get theirs while fewer than
 * {@code levee.log.task-lines-per-second} lines were written in the current second; beyond that they are counted, and
 * {@link #flush()} (called once a second) writes one summary line per queue that had outcomes without a line of
 * their own: {@code tasks queue=orders succeeded=4,210 returned=3 in the last 1.0 s, 4,160 not logged one by one}.
 * Nothing goes unaccounted, and a queue at thousands of tasks per second costs a few atomic increments per task and
 * a bounded number of lines. A budget of 0 writes summaries only; -1 writes every line and no summaries.
 *
 * <p>The fields also travel as the record's parameter (a map), which {@link JsonLogFormatter} writes as JSON members:
 * {@code queue}, {@code taskId}, {@code requestId}, {@code attempt}, {@code durationMs}, {@code outcome},
 * {@code error} for an outcome line; {@code queue}, {@code intervalMs}, {@code outcomes} (count by outcome) and
 * {@code notLogged} for a summary.
 */
final class TaskLog {

    static final Logger LOG = Logger.getLogger("io.levee.task");

    /** No budget: every outcome gets its line, no summaries. */
    static final int UNLIMITED = -1;

    private static final Outcome[] OUTCOMES = Outcome.values();

    private final Clock clock;
    private final int linesPerSecond;
    private final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong linesThisSecond = new AtomicLong();
    private final Map<String, Tally> tallies = new ConcurrentSkipListMap<>();
    private final AtomicLong lastFlush;

    /**
     * @param clock          the time, for the per-second budget and the summaries' intervals
     * @param linesPerSecond outcome lines per second beyond which successes, returns and repeats are only counted;
     *                       0: summaries only; {@link #UNLIMITED}: every line, no summaries
     */
    TaskLog(Clock clock, int linesPerSecond) {
        if (linesPerSecond < UNLIMITED) {
            throw new IllegalArgumentException(
                    "levee.log.task-lines-per-second must be -1 (unlimited) or more, was " + linesPerSecond);
        }
        this.clock = clock;
        this.linesPerSecond = linesPerSecond;
        this.lastFlush = new AtomicLong(clock.millis());
    }

    /** Whether outcomes can go without a line of their own, so that {@link #flush()} has to be called. */
    boolean summarises() {
        return linesPerSecond != UNLIMITED;
    }

    /** Logs the outcome on a line of its own, or counts it for the next summary when over the budget. */
    void outcome(TaskContext task, Outcome outcome, Throwable failure, long handlerNanos) {
        Level level = outcome == Outcome.DEAD_LETTERED ? Level.WARNING : Level.INFO;
        if (!LOG.isLoggable(level)) {
            return;
        }
        if (linesPerSecond == UNLIMITED) {
            write(task, outcome, failure, handlerNanos, level);
            return;
        }
        Tally tally = tally(task.queue());
        tally.outcomes.get(outcome).incrementAndGet();
        boolean underBudget = spendLine();
        if (underBudget || failed(outcome)) {
            write(task, outcome, failure, handlerNanos, level);
        } else {
            tally.notLogged.incrementAndGet();
        }
    }

    /**
     * Writes one summary line for every queue (in name order) with outcomes that had no line of their own since the
     * last call, and starts counting again for every queue.
     */
    void flush() {
        long now = clock.millis();
        long interval = Math.max(0, now - lastFlush.getAndSet(now));
        tallies.forEach((queue, tally) -> {
            long notLogged = tally.notLogged.getAndSet(0);
            Map<String, Long> outcomes = new LinkedHashMap<>();
            for (Outcome o : OUTCOMES) {
                long n = tally.outcomes.get(o).getAndSet(0);
                if (n > 0) {
                    outcomes.put(o.tag(), n);
                }
            }
            if (notLogged > 0) {
                summary(queue, outcomes, interval, notLogged);
            }
        });
    }

    private static boolean failed(Outcome outcome) {
        return outcome == Outcome.RETRIED || outcome == Outcome.EXPIRED || outcome == Outcome.DEAD_LETTERED;
    }

    /** Counts a line against the current second's budget; false when the budget is spent. */
    private boolean spendLine() {
        long now = clock.millis() / 1000;
        long current = second.get();
        if (now != current && second.compareAndSet(current, now)) {
            linesThisSecond.set(0);
        }
        return linesThisSecond.incrementAndGet() <= linesPerSecond;
    }

    private Tally tally(String queue) {
        Tally t = tallies.get(queue);
        return t != null ? t : tallies.computeIfAbsent(queue, q -> new Tally());
    }

    private static void write(TaskContext task, Outcome outcome, Throwable failure, long handlerNanos, Level level) {
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

    private static void summary(String queue, Map<String, Long> outcomes, long intervalMillis, long notLogged) {
        StringBuilder line = new StringBuilder("tasks queue=").append(queue);
        outcomes.forEach((tag, n) -> line.append(' ').append(tag).append('=').append(grouped(n)));
        line.append(String.format(Locale.ROOT, " in the last %.1f s, ", intervalMillis / 1000.0))
                .append(grouped(notLogged))
                .append(" not logged one by one");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("queue", queue);
        fields.put("intervalMs", intervalMillis);
        fields.put("outcomes", outcomes);
        fields.put("notLogged", notLogged);
        LogRecord record = new LogRecord(Level.INFO, line.toString());
        record.setLoggerName(LOG.getName());
        record.setParameters(new Object[] {fields});
        LOG.log(record);
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A queue's outcomes since the last summary, and how many of them had no line of their own. */
    private static final class Tally {
        final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
        final AtomicLong notLogged = new AtomicLong();

        Tally() {
            for (Outcome o : OUTCOMES) {
                outcomes.put(o, new AtomicLong());
            }
        }
    }
}
