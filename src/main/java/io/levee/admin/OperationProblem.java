package io.levee.admin;

import io.levee.LeveeException;
import java.util.Locale;

/**
 * A refused operations request, answered as {@code application/problem+json} by {@link OperationProblemMapper} with
 * a stable {@code type} URI ({@code urn:levee:problem:<kind>}), the same URIs the ingest API uses where the kinds
 * overlap.
 */
public final class OperationProblem extends LeveeException {

    /** The kinds of refusal, each with its HTTP status and fixed title. */
    public enum Kind {
        INVALID_REQUEST(400, "Invalid request"),
        INVALID_QUEUE_NAME(400, "Invalid queue name"),
        CONFIRMATION_REQUIRED(400, "Confirmation required"),
        UNKNOWN_QUEUE(404, "Unknown queue"),
        TASK_NOT_FOUND(404, "Task not found"),
        TOO_MANY_PARKED(409, "Too many parked tasks for this operation"),
        BROKER_UNAVAILABLE(503, "Broker unavailable"),
        STATE_UNAVAILABLE(503, "State store unavailable");

        private final int status;
        private final String title;

        Kind(int status, String title) {
            this.status = status;
            this.title = title;
        }

        int status() {
            return status;
        }

        String title() {
            return title;
        }

        String type() {
            return "urn:levee:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Retry-After of a broker that did not answer: the cause is often brief. */
    static final int RETRY_AFTER_UNAVAILABLE = 2;

    private final Kind kind;

    OperationProblem(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    OperationProblem(Kind kind, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
