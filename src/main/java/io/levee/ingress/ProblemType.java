package io.levee.ingress;

import java.net.URI;

/**
 * The kinds of error Levee answers with, each with a stable {@code type} URI (RFC 9457) and its HTTP status.
 * Clients switch on the type, never on the title or detail text.
 */
public enum ProblemType {
    INVALID_JSON(400, "Body is not valid JSON"),
    INVALID_REQUEST(400, "Invalid request"),
    UNKNOWN_QUEUE(404, "Unknown queue"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    QUEUE_FULL(429, "Queue is full"),
    INTERNAL(500, "Internal error"),
    BROKER_UNAVAILABLE(503, "Broker unavailable"),
    NOT_ACCEPTING(503, "This replica does not accept tasks");

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
        return URI.create("urn:levee:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
}
