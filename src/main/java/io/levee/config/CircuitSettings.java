package io.levee.config;

import java.time.Duration;

/**
 * When a delivery stops sending because its downstream fails, configured under
 * {@code levee.queues.<name>.delivery.circuit.*}, with MicroProfile Fault Tolerance's {@code @CircuitBreaker}
 * semantics: the circuit opens once at least {@code errorRatio} percent of the last {@code volume} requests failed,
 * sends nothing for {@code delay}, then lets probes through one at a time; {@code successThreshold} successful probes
 * close it, one failed probe opens it again.
 *
 * @param enabled          whether there is a circuit at all
 * @param errorRatio       failed requests, in percent of {@code volume}, that open the circuit
 * @param volume           how many of the latest requests are counted
 * @param delay            how long an open circuit sends nothing
 * @param successThreshold successful probes that close a half-open circuit
 */
public record CircuitSettings(boolean enabled, int errorRatio, int volume, Duration delay, int successThreshold) {

    static CircuitSettings read(Settings s, String prefix) {
        return new CircuitSettings(
                s.bool(prefix + "enabled", true),
                s.integer(prefix + "error-ratio", 5, 1, 100),
                s.integer(prefix + "volume", 100, 1, 10_000),
                s.duration(prefix + "delay", "5s"),
                s.integer(prefix + "success-threshold", 3, 1, 1_000));
    }
}
