package io.levee.ingress;

import java.net.URI;

/**
 * The kinds of error Levee answers with, each with a stable {@code type} URI (RFC 9457) and its HTTP status.
 * Clients switch on the type, never on the title or detail text.
 */
public enum ProblemType {
    INVALID_JSON(400, "Body is not valid JSON"),
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_QUEUE_NAME(400, "Invalid queue name"),
    INVALID_CONTENT_ENCODING(400, "Body does not match its Content-Encoding"),
    BATCH_TOO_LARGE(400, "Batch has too many items"),
    UNKNOWN_QUEUE(404, "Unknown queue"),
    NO_SCHEMA(404, "Queue has no schema"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    REQUEST_TIMEOUT(408, "Request took too long"),
    IDEMPOTENCY_KEY_IN_USE(409, "Idempotency key in use"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    SCHEMA_VIOLATION(422, "Body violates the queue's schema"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused with a different body"),
    QUEUE_FULL(429, "Queue is full"),
    RATE_LIMITED(429, "Queue ingest rate exceeded"),
    INTERNAL(500, "Internal error"),
    BROKER_UNAVAILABLE(503, "Broker unavailable"),
    NOT_ACCEPTING(503, "This replica does not accept tasks"),
    SERVER_BUSY(503, "Too many request bodies in memory");

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    /** The HTTP status answered for this kind of error. */
    public int status() {
        return status;
    }

    /** A short, fixed summary of this kind of error. */
    public String title() {
        return title;
    }

    /** The stable identifier of this kind of error, e.g. {@code urn:levee:problem:unknown-queue}. */
    public URI type() {
        return URI.create(
                "urn:levee:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
}
