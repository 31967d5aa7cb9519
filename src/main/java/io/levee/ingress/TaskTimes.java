package io.levee.ingress;

import io.levee.config.Durations;
import io.levee.config.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * When a submitted task may start and until when, from its request headers and its queue's settings (see
 * openapi.yaml): {@code Levee-Delay} (a duration) or {@code Levee-Not-Before} (an RFC 3339 time), at most the
 * queue's {@code max-delay} ahead; {@code Levee-Deadline} (a time) or {@code Levee-Ttl} (a duration), else the
 * queue's {@code task-ttl}. A TTL counts from the time the task is due.
 *
 * @param notBefore epoch ms before which the task must not start, 0 when it may start at once
 * @param deadline  epoch ms after which it must not start, 0 for none
 */
record TaskTimes(long notBefore, long deadline) {

    static final String DELAY = "Levee-Delay";
    static final String NOT_BEFORE = "Levee-Not-Before";
    static final String ITEM_DELAYS = "Levee-Item-Delays";
    static final String DEADLINE = "Levee-Deadline";
    static final String TTL = "Levee-Ttl";
    /** Longer than any delay or deadline makes sense for, short enough that no sum of times overflows. */
    private static final Duration LONGEST = Duration.ofDays(3650);

    /**
     * Reads the headers; refuses (400 {@code invalid-request}, nothing published) a value that does not parse, both
     * headers of a pair, a delay beyond the queue's {@code max-delay}, and a deadline that is not after the time the
     * task is due.
     */
    static TaskTimes of(TaskIntake.Headers headers, QueueSettings queue, Instant now) {
        long notBefore = notBefore(headers, queue, now);
        long due = notBefore > 0 ? notBefore : now.toEpochMilli();
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
        return new TaskTimes(notBefore, deadline);
    }

    /** Epoch ms the task is due, or 0 when it is due at once (no header, a zero delay, a time not in the future). */
    private static long notBefore(TaskIntake.Headers headers, QueueSettings queue, Instant now) {
        String delayHeader = headers.get(DELAY);
        String notBeforeHeader = headers.get(NOT_BEFORE);
        if (delayHeader != null && notBeforeHeader != null) {
            throw invalid("give " + DELAY + " or " + NOT_BEFORE + ", not both");
        }
        long at;
        String given;
        if (delayHeader != null) {
            given = DELAY + " " + printable(delayHeader);
            Duration delay = duration(DELAY, delayHeader);
            at = now.toEpochMilli() + delay.toMillis();
        } else if (notBeforeHeader != null) {
            given = NOT_BEFORE + " " + printable(notBeforeHeader);
            at = time(NOT_BEFORE, notBeforeHeader).toEpochMilli();
        } else {
            return 0;
        }
        long wait = at - now.toEpochMilli();
        if (wait <= 0) {
            return 0;
        }
        if (wait > queue.maxDelay().toMillis()) {
            throw invalid(
                    queue.maxDelay().isZero()
                            ? "queue '" + queue.name() + "' takes no delayed tasks (max-delay is 0); " + given
                            : given + " is further ahead than the queue's max-delay of "
                                    + Durations.text(queue.maxDelay()));
        }
        return at;
    }

    /** A duration of 0 or more. */
    private static Duration duration(String header, String raw) {
        Duration d;
        try {
            d = raw.trim().equals("0") ? Duration.ZERO : Durations.parse(raw);
        } catch (ArithmeticException | NumberFormatException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.compareTo(LONGEST) > 0) {
            throw invalid(
                    header + " must be a duration such as 90s, 15m, 2h, 7d or PT90S, was '" + printable(raw) + "'");
        }
        return d;
    }

    /**
     * The times of each item of a batch: the request's headers apply to every item, except that
     * {@code Levee-Item-Delays} (comma-separated durations, one per item, in order) gives each item its own delay.
     * Refused as {@link #of} refuses, and when the list does not have one entry per item or comes with
     * {@code Levee-Delay} or {@code Levee-Not-Before}; a refusal names the item.
     */
    static List<TaskTimes> ofItems(TaskIntake.Headers headers, QueueSettings queue, Instant now, int items) {
        String perItem = headers.get(ITEM_DELAYS);
        if (perItem == null) {
            return Collections.nCopies(items, of(headers, queue, now));
        }
        if (headers.get(DELAY) != null || headers.get(NOT_BEFORE) != null) {
            throw invalid("give " + ITEM_DELAYS + " or " + DELAY + " / " + NOT_BEFORE + ", not both");
        }
        String[] delays = perItem.split(",", -1);
        if (delays.length != items) {
            throw invalid(
                    ITEM_DELAYS + " has " + delays.length + " entries for " + items + " items; give one per item");
        }
        List<TaskTimes> times = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            String delay = delays[i].trim();
            TaskIntake.Headers item = name -> name.equalsIgnoreCase(DELAY) ? delay : headers.get(name);
            try {
                times.add(of(item, queue, now));
            } catch (ProblemException e) {
                throw e.forItem(i);
            }
        }
        return times;
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
