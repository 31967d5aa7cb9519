package io.levee.messaging;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One task as it travels through the broker: the caller's JSON bytes, untouched, plus Levee's headers.
 *
 * @param id             task id, also the AMQP {@code message_id}
 * @param queue          the task queue
 * @param submittedAt    epoch milliseconds when the gateway accepted it
 * @param attempt        1-based attempt number
 * @param requestId      the request id of the submitting HTTP request
 * @param traceparent    W3C trace context of the submitting request
 * @param idempotencyKey the caller's idempotency key, or null
 * @param submittedBy    the identity that submitted it ({@code key:<name>} or {@code jwt:<principal>}), or null when
 *                       authentication is off or a foreign producer sent it
 * @param body           the task's raw JSON bytes
 */
// The body is the caller's raw bytes; equals, hashCode and toString below treat it by content.
@SuppressWarnings("ArrayRecordComponent")
public record TaskEnvelope(
        String id,
        String queue,
        long submittedAt,
        int attempt,
        String requestId,
        String traceparent,
        String idempotencyKey,
        String submittedBy,
        byte[] body) {

    public TaskEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(body, "body");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
    }

    /** A task without a known submitter. */
    public TaskEnvelope(
            String id,
            String queue,
            long submittedAt,
            int attempt,
            String requestId,
            String traceparent,
            String idempotencyKey,
            byte[] body) {
        this(id, queue, submittedAt, attempt, requestId, traceparent, idempotencyKey, null, body);
    }

    /** The AMQP headers of this task, in wire form (numbers as numbers; absent values left out). */
    public Map<String, Object> headers() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(WireHeaders.TASK_ID, id);
        h.put(WireHeaders.QUEUE, queue);
        h.put(WireHeaders.SUBMITTED_AT, submittedAt);
        h.put(WireHeaders.ATTEMPT, attempt);
        putIfPresent(h, WireHeaders.REQUEST_ID, requestId);
        putIfPresent(h, WireHeaders.TRACEPARENT, traceparent);
        putIfPresent(h, WireHeaders.IDEMPOTENCY_KEY, idempotencyKey);
        putIfPresent(h, WireHeaders.SUBMITTED_BY, submittedBy);
        return h;
    }

    /**
     * Reads a task from received headers and body. Header values may arrive as strings (the JMS client turns every
     * AMQP header into a string property) or numbers; a missing attempt counts as the first.
     *
     * @param messageId the AMQP message id, used when {@code levee-task-id} is absent
     * @throws MalformedTaskException when neither id is present or a numeric header is not a number
     */
    public static TaskEnvelope fromWire(Map<String, ?> headers, String messageId, String queue, byte[] body) {
        String id = text(headers.get(WireHeaders.TASK_ID));
        if (id == null) {
            id = messageId;
        }
        if (id == null || id.isBlank()) {
            throw new MalformedTaskException("task has neither a levee-task-id header nor a message id");
        }
        String q = text(headers.get(WireHeaders.QUEUE));
        return new TaskEnvelope(
                id,
                q == null ? queue : q,
                number(headers, WireHeaders.SUBMITTED_AT, 0L),
                (int) number(headers, WireHeaders.ATTEMPT, 1L),
                text(headers.get(WireHeaders.REQUEST_ID)),
                text(headers.get(WireHeaders.TRACEPARENT)),
                text(headers.get(WireHeaders.IDEMPOTENCY_KEY)),
                text(headers.get(WireHeaders.SUBMITTED_BY)),
                body);
    }

    /** The same task for its next attempt. */
    public TaskEnvelope nextAttempt() {
        return new TaskEnvelope(
                id, queue, submittedAt, attempt + 1, requestId, traceparent, idempotencyKey, submittedBy, body);
    }

    private static void putIfPresent(Map<String, Object> h, String key, String value) {
        if (value != null) {
            h.put(key, value);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static long number(Map<String, ?> headers, String key, long defaultValue) {
        Object value = headers.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new MalformedTaskException("header " + key + " is not a number: '" + value + "'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskEnvelope t
                && id.equals(t.id)
                && queue.equals(t.queue)
                && submittedAt == t.submittedAt
                && attempt == t.attempt
                && Objects.equals(requestId, t.requestId)
                && Objects.equals(traceparent, t.traceparent)
                && Objects.equals(idempotencyKey, t.idempotencyKey)
                && Objects.equals(submittedBy, t.submittedBy)
                && Arrays.equals(body, t.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, queue, submittedAt, attempt, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "TaskEnvelope[id=" + id + ", queue=" + queue + ", attempt=" + attempt + ", bytes=" + body.length + "]";
    }
}
