package io.levee.messaging;

/**
 * Header names of Levee's wire format (AMQP headers; JMS properties of the same name). Plain AMQP clients in any
 * language produce and consume tasks with these; see docs/interop.md.
 */
public final class WireHeaders {

    public static final String TASK_ID = "levee-task-id";
    public static final String QUEUE = "levee-queue";
    public static final String SUBMITTED_AT = "levee-submitted-at";
    public static final String ATTEMPT = "levee-attempt";
    public static final String REQUEST_ID = "x-request-id";
    public static final String TRACEPARENT = "traceparent";
    public static final String IDEMPOTENCY_KEY = "idempotency-key";
    public static final String SUBMITTED_BY = "levee-submitted-by";
    public static final String ERROR_CLASS = "levee-error-class";
    public static final String ERROR_MESSAGE = "levee-error-message";
    public static final String FAILED_AT = "levee-failed-at";
    /** Epoch ms when an operator last replayed the task from a dead-letter or unroutable queue. */
    public static final String REPLAYED_AT = "levee-replayed-at";
    /** Where Levee took the task id from when the producer wrote no {@code levee-task-id}: see {@link TaskIds}. */
    public static final String ID_SOURCE = "levee-id-source";
    /** Epoch ms after which the task is not handled but dead-lettered as {@link #EXPIRED}. */
    public static final String DEADLINE = "levee-deadline";
    /** Epoch ms before which the task is not handled: it waits in the delay ladder until then. */
    public static final String NOT_BEFORE = "levee-not-before";
    /** The {@link #ERROR_CLASS} of a task dead-lettered because it was taken after its deadline. */
    public static final String EXPIRED = "expired";

    /** Headers the RabbitMQ JMS client writes for the JMS message header fields of the same name. */
    public static final String JMS_MESSAGE_ID = "JMSMessageID";

    public static final String JMS_TIMESTAMP = "JMSTimestamp";
    public static final String JMS_CORRELATION_ID = "JMSCorrelationID";
    public static final String JMS_TYPE = "JMSType";

    /** The AMQP content type of every task body. */
    public static final String CONTENT_TYPE = "application/json";

    private WireHeaders() {}
}
