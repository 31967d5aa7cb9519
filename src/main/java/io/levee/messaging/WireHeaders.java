package io.levee.messaging;

/**
 * Header names of Levee's wire format (AMQP headers; JMS properties of the same name). Plain AMQP clients in any
 * language produce and consume tasks with these; see docs/wire-format.md.
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

    /** The AMQP content type of every task body. */
    public static final String CONTENT_TYPE = "application/json";

    private WireHeaders() {}
}
