package io.levee.messaging;

import com.rabbitmq.client.AMQP;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One task as it travels through the broker: the producer's JSON bytes, untouched, plus Levee's headers. The wire
 * format, and what Levee fills in for a message that another producer wrote, is described in docs/interop.md.
 *
 * @param id             task id, also the AMQP {@code message_id}
 * @param queue          the task queue: the queue the task was consumed from, never what a header claims
 * @param submittedAt    epoch milliseconds when the task was accepted (0 when nobody said)
 * @param attempt        1-based attempt number
 * @param requestId      the request id of the submitting HTTP request, or null
 * @param traceparent    W3C trace context of the submitting request, or null
 * @param idempotencyKey the caller's idempotency key, or null
 * @param submittedBy    the identity that submitted it ({@code key:<name>} or {@code jwt:<principal>}), or null when
 *                       authentication is off or a foreign producer sent it
 * @param idSource       where Levee took the id from when the producer did not write {@code levee-task-id}
 *                       ({@link TaskIds#FROM_MESSAGE_ID}, {@link TaskIds#FROM_JMS_MESSAGE_ID}, {@link TaskIds#DERIVED}),
 *                       or null
 * @param correlationId  the producer's correlation id (AMQP {@code correlation_id} or JMS {@code JMSCorrelationID}), or
 *                       null
 * @param type           the producer's message type (AMQP {@code type} or JMS {@code JMSType}), or null
 * @param body           the task's raw JSON bytes
 * @param deadline       epoch milliseconds after which the task must not be handled ({@code levee-deadline}), 0 for
 *                       none
 * @param notBefore      epoch milliseconds before which the task must not be handled ({@code levee-not-before}), 0
 *                       for none
 */
// The body is the producer's raw bytes; equals, hashCode and toString below treat it by content.
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
        String idSource,
        String correlationId,
        String type,
        byte[] body,
        long deadline,
        long notBefore) {

    public TaskEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(body, "body");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
    }

    /**
     * A task Levee accepted itself, without a deadline or a due time: its id is Levee's own, and it carries no
     * producer metadata.
     */
    public TaskEnvelope(
            String id,
            String queue,
            long submittedAt,
            int attempt,
            String requestId,
            String traceparent,
            String idempotencyKey,
            byte[] body) {
        this(
                id,
                queue,
                submittedAt,
                attempt,
                requestId,
                traceparent,
                idempotencyKey,
                null,
                null,
                null,
                null,
                body,
                0L,
                0L);
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
        putIfPresent(h, WireHeaders.ID_SOURCE, idSource);
        if (deadline > 0) {
            h.put(WireHeaders.DEADLINE, deadline);
        }
        if (notBefore > 0) {
            h.put(WireHeaders.NOT_BEFORE, notBefore);
        }
        return h;
    }

    /**
     * Reads a task as it was consumed from {@code queue}. Header values may arrive as strings (the JMS client turns
     * every property into a header of its own type, other producers write numbers as text) or numbers. What a
     * producer left out is filled in: the id as {@link TaskIds#resolve} says, the submission time from
     * {@code JMSTimestamp} or the AMQP {@code timestamp}, a missing attempt counts as the first. A {@code levee-queue}
     * header is not read: a task belongs to the queue it was consumed from, so no producer can send a task into one
     * queue and have it retried in, returned to or delivered as another.
     *
     * @param properties the AMQP properties of the message (its headers are {@code headers})
     * @param queue      the queue the message was consumed from
     * @throws MalformedTaskException when a numeric Levee header is not a number
     */
    public static TaskEnvelope fromWire(
            Map<String, ?> headers, AMQP.BasicProperties properties, String queue, byte[] body) {
        TaskIds.Resolved id = TaskIds.resolve(headers, properties, body);
        long submittedAt = number(headers, WireHeaders.SUBMITTED_AT, -1L);
        if (submittedAt < 0) {
            submittedAt = jmsTimestamp(headers);
        }
        if (submittedAt < 0) {
            submittedAt = properties.getTimestamp() == null
                    ? 0L
                    : properties.getTimestamp().toInstant().toEpochMilli();
        }
        return new TaskEnvelope(
                id.id(),
                queue,
                submittedAt,
                (int) number(headers, WireHeaders.ATTEMPT, 1L),
                text(headers.get(WireHeaders.REQUEST_ID)),
                text(headers.get(WireHeaders.TRACEPARENT)),
                text(headers.get(WireHeaders.IDEMPOTENCY_KEY)),
                text(headers.get(WireHeaders.SUBMITTED_BY)),
                id.source(),
                firstPresent(properties.getCorrelationId(), text(headers.get(WireHeaders.JMS_CORRELATION_ID))),
                firstPresent(properties.getType(), jmsType(headers)),
                body,
                Math.max(0L, number(headers, WireHeaders.DEADLINE, 0L)),
                Math.max(0L, number(headers, WireHeaders.NOT_BEFORE, 0L)));
    }

    /** The same task for its next attempt. */
    public TaskEnvelope nextAttempt() {
        return copy(attempt + 1, deadline);
    }

    /** The same task with another deadline (epoch ms, 0 for none). */
    public TaskEnvelope withDeadline(long deadline) {
        return copy(attempt, deadline);
    }

    /** This task with another attempt and deadline: the one path every copy takes, so none drops a component. */
    private TaskEnvelope copy(int attempt, long deadline) {
        return new TaskEnvelope(
                id,
                queue,
                submittedAt,
                attempt,
                requestId,
                traceparent,
                idempotencyKey,
                submittedBy,
                idSource,
                correlationId,
                type,
                body,
                deadline,
                notBefore);
    }

    /**
     * The application's {@code JMSType}. The JMS client writes {@code JMSType=TextMessage} in place of the
     * application's type when it is told to keep the text message type; that says how the body was sent, not what
     * the task is.
     */
    private static String jmsType(Map<String, ?> headers) {
        String type = text(headers.get(WireHeaders.JMS_TYPE));
        return "TextMessage".equals(type) ? null : type;
    }

    /** The JMS client's send time in epoch milliseconds, or -1; not Levee's header, so a bad value is ignored. */
    private static long jmsTimestamp(Map<String, ?> headers) {
        Object value = headers.get(WireHeaders.JMS_TIMESTAMP);
        if (value instanceof Number n) {
            return n.longValue() > 0 ? n.longValue() : -1L;
        }
        try {
            long ms = value == null ? -1L : Long.parseLong(value.toString().trim());
            return ms > 0 ? ms : -1L;
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    private static String firstPresent(String first, String second) {
        return first != null && !first.isBlank() ? first : second != null && !second.isBlank() ? second : null;
    }

    private static void putIfPresent(Map<String, Object> h, String key, String value) {
        if (value != null) {
            h.put(key, value);
        }
    }

    static String text(Object value) {
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
                && Objects.equals(idSource, t.idSource)
                && Objects.equals(correlationId, t.correlationId)
                && Objects.equals(type, t.type)
                && Arrays.equals(body, t.body)
                && deadline == t.deadline
                && notBefore == t.notBefore;
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
