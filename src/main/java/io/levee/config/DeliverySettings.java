package io.levee.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Built-in HTTP delivery of a queue's tasks to a downstream URL, configured under
 * {@code levee.queues.<name>.delivery.*}; a queue with a {@code delivery.url} needs no {@code @TaskHandler}.
 *
 * @param url         where each task is POSTed
 * @param maxRate     most requests per second the downstream is sent
 * @param maxInFlight most requests awaiting an answer at once
 * @param timeout     how long one request may take before it counts as failed (and is retried)
 * @param adaptive    how the rate follows the downstream's latency ({@code delivery.adaptive.*})
 * @param circuit     when requests stop because too many failed ({@code delivery.circuit.*})
 */
public record DeliverySettings(
        URI url, int maxRate, int maxInFlight, Duration timeout, AdaptiveSettings adaptive, CircuitSettings circuit) {

    /** The delivery settings of a queue, or empty when it has no {@code delivery.url}. */
    static Optional<DeliverySettings> read(Settings s, String queue) {
        String prefix = "levee.queues." + queue + ".delivery.";
        String raw = s.string(prefix + "url", null);
        if (raw == null) {
            return Optional.empty();
        }
        URI url;
        try {
            url = URI.create(raw);
        } catch (IllegalArgumentException e) {
            url = null;
        }
        if (url == null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getHost() == null) {
            throw new InvalidConfigurationException(prefix + "url", raw, "an http:// or https:// URL");
        }
        int maxRate = s.integer(prefix + "max-rate", 100, 1, 1_000_000);
        return Optional.of(new DeliverySettings(
                url,
                maxRate,
                s.integer(prefix + "max-in-flight", 16, 1, 10_000),
                s.duration(prefix + "timeout", "10s"),
                AdaptiveSettings.read(s, prefix + "adaptive.", maxRate),
                CircuitSettings.read(s, prefix + "circuit.")));
    }
}
