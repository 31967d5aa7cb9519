package io.levee.limits;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * Limits how often a CDI bean method starts: at most {@link #value()} invocations per {@link #window()}, optionally
 * at least {@link #minSpacing()} apart. Usable on any CDI bean method (or a class, for all its business methods),
 * not only on task handlers.
 *
 * <p>In {@link Mode#WAIT} the caller waits for a permit, up to {@link #maxWait()}; on a task handler that means the
 * consumer paces and unstarted tasks stay in the broker. In {@link Mode#REJECT}, or when the wait would exceed
 * {@code maxWait}, the call fails with {@link RateLimitException}; a task handler's task then goes back to its
 * queue without consuming an attempt.
 *
 * <p>Every attribute can be overridden with MicroProfile Config, as MicroProfile Fault Tolerance does:
 * {@code <class>/<method>/RateLimit/<attribute>} for a method, {@code <class>/RateLimit/<attribute>} for a class,
 * e.g. {@code com.acme.Orders/handle/RateLimit/value=50}. Invalid values fail deployment.
 *
 * <p>Repeatable: a method (or class) with several {@code @RateLimit}s must have a permit of each, in the order they
 * are written (20 per second and 10,000 per day at once); a call that gets the first permit and not a later one has
 * used the first. With several, configuration addresses each by its 0-based position:
 * {@code com.acme.Orders/handle/RateLimit/1/value=5000}.
 *
 * <p>{@link #shared()} limits draw from one bucket in Redis ({@code levee.limits.redis-uri}) for every replica,
 * keyed by the method (and position): 10,000 per day holds for the cluster, not per replica. While Redis does not
 * answer, each replica falls back to its share ({@code value / levee.limits.replicas}, or the whole value without that
 * setting), logged once, and tries Redis again every few seconds.
 *
 * <p>Runs inside MicroProfile Fault Tolerance (interceptor priority {@value RateLimitInterceptor#PRIORITY}): each
 * actual invocation takes a permit, including each {@code @Retry}; waiting counts against {@code @Timeout} and
 * holds a {@code @Bulkhead} slot.
 */
@Documented
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(RateLimit.List.class)
public @interface RateLimit {

    /** Permits per window; at least 1. */
    @Nonbinding
    int value() default 100;

    /** The window length in {@link #windowUnit()}; at least 1. */
    @Nonbinding
    long window() default 1;

    /** Unit of {@link #window()}. */
    @Nonbinding
    ChronoUnit windowUnit() default ChronoUnit.SECONDS;

    /** Minimum time between two starts in {@link #minSpacingUnit()}; 0 for none. */
    @Nonbinding
    long minSpacing() default 0;

    /** Unit of {@link #minSpacing()}. */
    @Nonbinding
    ChronoUnit minSpacingUnit() default ChronoUnit.MILLIS;

    /** How permits come back. */
    @Nonbinding
    Type type() default Type.SMOOTH;

    /** What a call without a permit does. */
    @Nonbinding
    Mode mode() default Mode.WAIT;

    /** In {@link Mode#WAIT}, the longest a call waits for a permit, in {@link #maxWaitUnit()}; at least 0. */
    @Nonbinding
    long maxWait() default 30;

    /** Unit of {@link #maxWait()}. */
    @Nonbinding
    ChronoUnit maxWaitUnit() default ChronoUnit.SECONDS;

    /** Whether every replica draws from one bucket in Redis ({@code levee.limits.redis-uri} must be set). */
    @Nonbinding
    boolean shared() default false;

    /** Several limits on one method or class; each must give a permit. */
    @Documented
    @Inherited
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    @interface List {
        /** The limits, in the order their permits are taken. */
        @Nonbinding
        RateLimit[] value();
    }

    /** How permits come back. */
    enum Type {
        /** All {@code value} permits return at once at the end of each window; up to 2×value across a boundary. */
        FIXED,
        /** Permits return continuously (greedy token bucket): bursts up to {@code value}, value/window on average. */
        ROLLING,
        /** One permit every window/value, no burst: at most value (+1) starts in any window. The default. */
        SMOOTH
    }

    /** What a call without a permit does. */
    enum Mode {
        /** Wait for a permit, up to {@link #maxWait()}. */
        WAIT,
        /** Fail at once with {@link RateLimitException}. */
        REJECT
    }
}
