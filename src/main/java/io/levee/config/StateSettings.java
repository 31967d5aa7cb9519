package io.levee.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * Where operations state lives ({@code levee.state.*}) and how each queue's task status is kept
 * ({@code levee.queues.<q>.status*}).
 *
 * @param redisUri        Redis shared by every replica for task status and operator-set queue state; empty keeps
 *                        both in this replica's memory ({@code levee.state.redis-uri})
 * @param keyPrefix       prefix of every Redis key ({@code levee.state.key-prefix})
 * @param maxEntries      task statuses kept in memory at most; beyond, the oldest tasks' statuses are forgotten first ({@code levee.state.max-entries})
 * @param resultMaxSize   largest handler result kept with a status, in bytes ({@code levee.state.result-max-size})
 * @param statusTtl       per queue: how long a task's status is kept ({@code levee.queues.<q>.status-ttl}, 24h)
 * @param statusDisabled  queues whose task status is not tracked ({@code levee.queues.<q>.status=false})
 */
public record StateSettings(
        Optional<URI> redisUri,
        String keyPrefix,
        int maxEntries,
        int resultMaxSize,
        Map<String, Duration> statusTtl,
        java.util.Set<String> statusDisabled) {

    public StateSettings {
        statusTtl = Map.copyOf(statusTtl);
        statusDisabled = java.util.Set.copyOf(statusDisabled);
    }

    /** Reads and validates {@code levee.state.*} and each configured queue's status keys. */
    public static StateSettings load(Config config, LeveeConfig levee) {
        Settings s = new Settings(config);
        Map<String, Duration> ttl = new TreeMap<>();
        java.util.Set<String> disabled = new java.util.TreeSet<>();
        for (String q : levee.queues().keySet()) {
            String prefix = "levee.queues." + q + ".";
            ttl.put(q, s.duration(prefix + "status-ttl", "24h"));
            String enabled = s.string(prefix + "status", "true");
            if (!enabled.equals("true") && !enabled.equals("false")) {
                throw new InvalidConfigurationException(prefix + "status", enabled, "true or false");
            }
            if (enabled.equals("false")) {
                disabled.add(q);
            }
        }
        return new StateSettings(
                s.optionalUri("levee.state.redis-uri", "redis", "rediss"),
                s.string("levee.state.key-prefix", "levee:"),
                s.integer("levee.state.max-entries", 20_000, 1, 100_000_000),
                (int) s.size("levee.state.result-max-size", "4KiB", 0, 1L << 20),
                ttl,
                disabled);
    }

    /** Whether task status is tracked for the queue. */
    public boolean tracksStatus(String queue) {
        return !statusDisabled.contains(queue);
    }

    /** How long the queue's task statuses are kept. */
    public Duration ttl(String queue) {
        return statusTtl.getOrDefault(queue, Duration.ofHours(24));
    }
}
