package io.levee;

/**
 * The one unchecked exception root of Levee. Subtypes carry meaning (invalid configuration, broker unavailable,
 * queue full, ...); the HTTP layer maps each to a stable problem {@code type}.
 */
public class LeveeException extends RuntimeException {

    public LeveeException(String message) {
        super(message);
    }

    public LeveeException(String message, Throwable cause) {
        super(message, cause);
    }
}
