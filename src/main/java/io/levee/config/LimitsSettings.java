package io.levee.config;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.Config;

/**
 * Where delivery budgets are shared ({@code levee.limits.*}). With a Redis URI every worker replica takes a queue's
 * delivery permits from one budget of {@code max-rate} kept there; without, each replica paces on its own.
 *
 * @param redisUri  Redis holding the shared budgets ({@code levee.limits.redis-uri}), if set
 * @param keyPrefix prefix of every budget's Redis key ({@code levee.limits.key-prefix})
 * @param replicas  worker replicas sharing a budget, for the fallback share {@code max-rate / replicas} while Redis
 *                  is unreachable ({@code levee.limits.replicas}); when unset, counted from the queue's consumers
 */
public record LimitsSettings(Optional<URI> redisUri, String keyPrefix, OptionalInt replicas) {

    /** Reads and validates {@code levee.limits.*}. */
    public static LimitsSettings load(Config config) {
        Settings s = new Settings(config);
        Optional<String> replicas = s.optionalString("levee.limits.replicas");
        return new LimitsSettings(
                s.optionalUri("levee.limits.redis-uri", "redis", "rediss"),
                s.string("levee.limits.key-prefix", "levee:budget:"),
                replicas.isPresent()
                        ? OptionalInt.of(s.integer("levee.limits.replicas", 1, 1, 10_000))
                        : OptionalInt.empty());
    }
}
