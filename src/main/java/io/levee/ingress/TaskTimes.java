package io.levee.ingress;

import io.levee.config.Durations;
import io.levee.config.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * When a submitted task may start and until when, from its request headers and its queue's settings (see
 * openapi.yaml): {@code Levee-Deadline} (an RFC 3339 time) or {@code Levee-Ttl} (a duration), else the queue's
 * {@code task-ttl}. A TTL counts from the time the task is due.
 *
 * @param notBefore epoch ms before which the task must not start, 0 when it may start at once
 * @param deadline  epoch ms after which it must not start, 0 for none
 */
record TaskTimes(long notBefore, long deadline) {

    static final String DEADLINE = "Levee-Deadline";
    static final String TTL = "Levee-Ttl";
    /** Longer than any delay or deadline makes sense for, short enough that no sum of times overflows. */
    private static final Duration LONGEST = Duration.ofDays(3650);

    /**
     * Reads the headers; refuses (400 {@code invalid-request}, nothing published) a value that does not parse, both
     * headers of a pair, and a deadline that is not after the time the task is due.
     */
    static TaskTimes of(TaskIntake.Headers headers, QueueSettings queue, Instant now) {
        long due = now.toEpochMilli();
        String deadlineHeader = headers.get(DEADLINE);
        String ttlHeader = headers.get(TTL);
        if (deadlineHeader != null && ttlHeader != null) {
            throw invalid("give " + DEADLINE + " or " + TTL + ", not both");
        }
        long deadline = 0;
        if (deadlineHeader != null) {
            deadline = time(DEADLINE, deadlineHeader).toEpochMilli();
            if (deadline <= due) {
                throw invalid(DEADLINE + " " + deadlineHeader.trim() + " is not after the time the task is due ("
                        + Instant.ofEpochMilli(due) + ")");
            }
        } else if (ttlHeader != null) {
            deadline = due + positive(TTL, ttlHeader).toMillis();
        } else if (queue.taskTtl().isPresent()) {
            deadline = due + queue.taskTtl().get().toMillis();
        }
        return new TaskTimes(0, deadline);
    }

    private static Instant time(String header, String raw) {
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(
                    header + " must be an RFC 3339 time such as 2030-01-31T12:00:00Z, was '" + printable(raw) + "'");
        }
    }

    private static Duration positive(String header, String raw) {
        Duration d;
        try {
            d = Durations.parse(raw);
        } catch (ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(LONGEST) > 0) {
            throw invalid(header
                    + " must be a positive duration of at most 3650d such as 500ms, 30s, 5m, 2h, 1d or PT30S, was '"
                    + printable(raw) + "'");
        }
        return d;
    }

    /** The value as it may appear in an answer: at most 64 characters. */
    private static String printable(String raw) {
        String trimmed = raw.trim();
        return trimmed.length() > 64 ? trimmed.substring(0, 64) + "..." : trimmed;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_REQUEST, detail);
    }
}
