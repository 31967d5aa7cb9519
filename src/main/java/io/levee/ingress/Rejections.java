package io.levee.ingress;

/** The {@code reason} a refused task is counted under, one per kind of problem a task request can meet. */
final class Rejections {

    private Rejections() {}

    /** The reason tag of a problem. */
    static String reason(ProblemType type) {
        return switch (type) {
            case PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE -> "too-large";
            case UNKNOWN_QUEUE -> "unknown-queue";
            case REQUEST_TIMEOUT -> "request-timeout";
            case QUEUE_FULL -> "queue-full";
            case RATE_LIMITED -> "rate-limited";
            case BROKER_UNAVAILABLE -> "broker-unavailable";
            case NOT_ACCEPTING -> "not-accepting";
            case SERVER_BUSY -> "server-busy";
            case IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED -> "idempotency-conflict";
            case INTERNAL -> "internal";
            default -> "invalid";
        };
    }
}
