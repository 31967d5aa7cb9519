package io.levee.config;

import java.time.Duration;

/**
 * How a delivery rate follows its downstream (additive increase, multiplicative decrease), configured under
 * {@code levee.queues.<name>.delivery.adaptive.*}: the p95 latency of the last {@code latencyWindow} above
 * {@code latencyThreshold}, or a 429 / {@code Retry-After}, cuts the rate by {@code cutPercent}; while latency is
 * healthy it rises by {@code increasePerSecond} each second, back up to {@code max-rate}.
 *
 * @param enabled           whether the rate adapts at all; when false it stays at {@code max-rate}
 * @param latencyThreshold  p95 latency above which the rate is cut
 * @param latencyWindow     how far back the p95 looks
 * @param minRate           the rate is never cut below this (requests/s)
 * @param cutPercent        how much one cut takes off, in percent of the current rate
 * @param increasePerSecond how much the rate rises per healthy second (requests/s)
 */
public record AdaptiveSettings(
        boolean enabled,
        Duration latencyThreshold,
        Duration latencyWindow,
        int minRate,
        int cutPercent,
        int increasePerSecond) {

    static AdaptiveSettings read(Settings s, String prefix, int maxRate) {
        return new AdaptiveSettings(
                s.bool(prefix + "enabled", true),
                s.duration(prefix + "latency-threshold", "800ms"),
                s.duration(prefix + "latency-window", "10s"),
                s.integer(prefix + "min-rate", 1, 1, maxRate),
                s.integer(prefix + "cut-percent", 50, 1, 99),
                s.integer(prefix + "increase-per-second", Math.max(1, maxRate / 20), 1, 1_000_000));
    }
}
