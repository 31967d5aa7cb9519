package io.levee.ingress;

import io.levee.LeveeException;
import java.util.Map;

/** A request Levee refuses; answered as {@code application/problem+json} of the given type. */
public class ProblemException extends LeveeException {

    private final ProblemType type;
    private final Integer retryAfterSeconds;
    private final Map<String, Object> extensions;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ProblemException(ProblemType type, String detail, Integer retryAfterSeconds) {
        this(type, detail, retryAfterSeconds, Map.of());
    }

    /** A problem with extension members (RFC 9457 §3.2), e.g. {@code item} or {@code violations}. */
    public ProblemException(
            ProblemType type, String detail, Integer retryAfterSeconds, Map<String, Object> extensions) {
        super(detail);
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
        this.extensions = Map.copyOf(extensions);
    }

    /** Extension members added to the problem document. */
    public Map<String, Object> extensions() {
        return extensions;
    }

    /** The same problem about one item of a batch. */
    ProblemException forItem(int index) {
        Map<String, Object> ext = new java.util.LinkedHashMap<>(extensions);
        ext.put("item", index);
        return new ProblemException(type, "item " + index + ": " + getMessage(), retryAfterSeconds, ext);
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
