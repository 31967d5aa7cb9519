package io.levee.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Idempotency keys in Redis, shared by every replica: {@code SET NX PX} reserves a key atomically, the accepted
 * task replaces it keeping its TTL. Keys are {@code levee:idempotency:<queue>:<key>}. When Redis does not answer
 * the request is answered 503 rather than risking a duplicate.
 */
final class RedisIdempotencyStore implements IdempotencyStore {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(RedisIdempotencyStore.class.getName());

    private final JedisPooled redis;
    private final Duration ttl;

    RedisIdempotencyStore(URI uri, Duration ttl) {
        this.redis = new JedisPooled(uri);
        this.ttl = ttl;
    }

    @Override
    public Optional<Entry> reserve(String queue, String key, String fingerprint) {
        String k = redisKey(queue, key);
        try {
            while (true) {
                String set = redis.set(
                        k,
                        write(Entry.pending(fingerprint)),
                        SetParams.setParams().nx().px(ttl.toMillis()));
                if ("OK".equals(set)) {
                    return Optional.empty();
                }
                String existing = redis.get(k);
                if (existing != null) {
                    return Optional.of(read(existing));
                }
                // The key expired or was released between SET and GET: try to reserve it again.
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void complete(String queue, String key, Entry accepted) {
        try {
            redis.set(
                    redisKey(queue, key),
                    write(accepted),
                    SetParams.setParams().xx().keepTtl());
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void release(String queue, String key) {
        try {
            redis.del(redisKey(queue, key));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    private static String redisKey(String queue, String key) {
        return "levee:idempotency:" + queue + ":" + key;
    }

    private static String write(Entry entry) {
        try {
            return TaskBodies.JSON.writeValueAsString(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry read(String json) {
        try {
            return TaskBodies.JSON.readValue(json, Entry.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException unavailable(JedisException e) {
        // The cause names the Redis host: it goes to the log, never into an answer.
        LOG.warning("the idempotency store (Redis) did not answer: " + e.getMessage());
        return new ProblemException(
                ProblemType.BROKER_UNAVAILABLE,
                "the idempotency store did not answer; nothing was stored",
                Admission.RETRY_AFTER_UNAVAILABLE);
    }
}
