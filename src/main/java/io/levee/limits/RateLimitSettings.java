package io.levee.limits;

import io.levee.config.AnnotationOverrides;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.eclipse.microprofile.config.Config;

/**
 * The effective values of one {@link RateLimit}: the annotation's, overridden by MicroProfile Config, validated.
 *
 * @param value      permits per window, at least 1
 * @param window     window length, positive
 * @param minSpacing least time between two starts, zero for none
 * @param type       how permits come back
 * @param mode       what a call without a permit does
 * @param maxWait    in WAIT mode, the longest a call waits
 * @param shared     whether every replica draws from one bucket in Redis
 */
public record RateLimitSettings(
        int value,
        Duration window,
        Duration minSpacing,
        RateLimit.Type type,
        RateLimit.Mode mode,
        Duration maxWait,
        boolean shared) {

    /** A limit of this replica alone. */
    public RateLimitSettings(
            int value,
            Duration window,
            Duration minSpacing,
            RateLimit.Type type,
            RateLimit.Mode mode,
            Duration maxWait) {
        this(value, window, minSpacing, type, mode, maxWait, false);
    }

    public RateLimitSettings {
        if (value < 1) {
            throw new IllegalArgumentException("value = " + value + "; allowed: at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window = " + window + "; allowed: a positive duration");
        }
        if (minSpacing.isNegative()) {
            throw new IllegalArgumentException("minSpacing = " + minSpacing + "; allowed: zero or a positive duration");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait = " + maxWait + "; allowed: zero or a positive duration");
        }
        if (type == RateLimit.Type.SMOOTH && window.dividedBy(value).isZero()) {
            throw new IllegalArgumentException(
                    "value = " + value + " per window = " + window + "; allowed: at most one permit per nanosecond");
        }
    }

    /**
     * Reads the settings of an annotated method (or of a method of an annotated class).
     *
     * @param annotation the annotation found on the method, else on its class
     * @param method     the method
     * @param onClass    whether the annotation sits on the class rather than the method
     * @throws IllegalArgumentException naming the setting and the config key, when a value is invalid
     */
    public static RateLimitSettings resolve(RateLimit annotation, Method method, boolean onClass, Config config) {
        return resolve(annotation, method, onClass, config, -1);
    }

    /**
     * As {@link #resolve(RateLimit, Method, boolean, Config)}, for one of several limits on the same method or class.
     *
     * @param index the limit's 0-based position among them, which its configuration keys carry; -1 for a single one
     */
    public static RateLimitSettings resolve(
            RateLimit annotation, Method method, boolean onClass, Config config, int index) {
        String className = method.getDeclaringClass().getName();
        AnnotationOverrides all = AnnotationOverrides.of(config, method, RateLimit.class, onClass);
        AnnotationOverrides lookup = index < 0 ? all : all.indexed(index);
        try {
            int value = lookup.get("value", Integer::parseInt).orElse(annotation.value());
            long window = lookup.get("window", Long::parseLong).orElse(annotation.window());
            ChronoUnit windowUnit =
                    lookup.get("windowUnit", RateLimitSettings::unit).orElse(annotation.windowUnit());
            long spacing = lookup.get("minSpacing", Long::parseLong).orElse(annotation.minSpacing());
            ChronoUnit spacingUnit =
                    lookup.get("minSpacingUnit", RateLimitSettings::unit).orElse(annotation.minSpacingUnit());
            RateLimit.Type type = lookup.get("type", s -> RateLimit.Type.valueOf(s.toUpperCase(Locale.ROOT)))
                    .orElse(annotation.type());
            RateLimit.Mode mode = lookup.get("mode", s -> RateLimit.Mode.valueOf(s.toUpperCase(Locale.ROOT)))
                    .orElse(annotation.mode());
            long maxWait = lookup.get("maxWait", Long::parseLong).orElse(annotation.maxWait());
            ChronoUnit maxWaitUnit =
                    lookup.get("maxWaitUnit", RateLimitSettings::unit).orElse(annotation.maxWaitUnit());
            boolean shared = lookup.get("shared", RateLimitSettings::bool).orElse(annotation.shared());
            if (window < 1) {
                throw new IllegalArgumentException("window = " + window + "; allowed: at least 1");
            }
            return new RateLimitSettings(
                    value,
                    Duration.of(window, windowUnit),
                    Duration.of(spacing, spacingUnit),
                    type,
                    mode,
                    Duration.of(maxWait, maxWaitUnit),
                    shared);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "Invalid @RateLimit on " + className + "#" + method.getName() + ": " + e.getMessage()
                            + " (annotation, or config " + lookup.keys() + ")",
                    e);
        }
    }

    private static boolean bool(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + raw + "' is not true or false");
        };
    }

    private static ChronoUnit unit(String raw) {
        return ChronoUnit.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    }
}
