package io.levee.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Metrics, traces and logs ({@code levee.metrics.*}, {@code levee.tracing.*}, {@code levee.log.*}).
 *
 * @param brokerSampleInterval how old the broker's numbers (depth, dead letters, consumers, unroutable) may be
 *                             when {@code /metrics} is read: at most one round of queries per interval, however
 *                             often it is scraped ({@code levee.metrics.broker-sample-interval}, 5s)
 * @param otlpEndpoint         where spans are exported (OTLP over HTTP, e.g. {@code http://collector:4318}); empty
 *                             turns tracing off ({@code levee.tracing.otlp-endpoint}, empty)
 * @param serviceName          the {@code service.name} of exported spans ({@code levee.tracing.service-name}, levee)
 * @param logFormat            {@code text} for people, {@code json} (one object per line) for log shippers
 *                             ({@code levee.log.format}, text)
 * @param taskLinesPerSecond   task outcome lines per second beyond which successes, returns and suppressed repeats
 *                             are counted into one summary line per queue and second instead; failures always get
 *                             their line; 0 writes summaries only, -1 every line and no summaries
 *                             ({@code levee.log.task-lines-per-second}, 50)
 */
public record ObservabilitySettings(
        Duration brokerSampleInterval,
        Optional<URI> otlpEndpoint,
        String serviceName,
        LogFormat logFormat,
        int taskLinesPerSecond) {

    /** How log records are written. */
    public enum LogFormat {
        /** One readable line per record. */
        TEXT,
        /** One JSON object per line. */
        JSON
    }

    /** Reads and validates the keys. */
    public static ObservabilitySettings load(Config config) {
        Settings s = new Settings(config);
        return new ObservabilitySettings(
                s.duration("levee.metrics.broker-sample-interval", "5s"),
                s.optionalUri("levee.tracing.otlp-endpoint", "http", "https"),
                s.string("levee.tracing.service-name", "levee"),
                s.oneOf("levee.log.format", LogFormat.class, LogFormat.TEXT),
                s.integer("levee.log.task-lines-per-second", 50, -1, 1_000_000));
    }

    /** Whether spans are exported. */
    public boolean tracing() {
        return otlpEndpoint.isPresent();
    }
}
