package io.levee.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where idempotency keys are remembered ({@code levee.idempotency.*}). Without a Redis URI the store is in memory,
 * bounded and per replica: a retry that reaches another replica is not recognised.
 *
 * @param redisUri   Redis holding the keys of every replica ({@code redis-uri}), if set
 * @param ttl        how long a key is remembered
 * @param maxEntries most keys the in-memory store holds; the oldest are forgotten first
 */
public record IdempotencySettings(Optional<URI> redisUri, Duration ttl, int maxEntries) {}
