package io.levee.ingress;

import io.levee.LeveeException;

/** A request Levee refuses; answered as {@code application/problem+json} of the given type. */
public class ProblemException extends LeveeException {

    private final ProblemType type;
    private final Integer retryAfterSeconds;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ProblemException(ProblemType type, String detail, Integer retryAfterSeconds) {
        super(detail);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The kind of error. */
    public ProblemType type() {
        return type;
    }

    /** Seconds for the {@code Retry-After} header, or null for none. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
