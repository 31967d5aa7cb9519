package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The Redis idempotency store against the Redis at {@code LEVEE_TEST_REDIS_URI} (default 127.0.0.1:6379). */
class RedisIdempotencyStoreIT {

    static final URI REDIS = URI.create(System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379"));

    final String queue = "it-redis-" + UUID.randomUUID();
    RedisIdempotencyStore store;

    @BeforeEach
    void open() {
        store = new RedisIdempotencyStore(REDIS, Duration.ofMinutes(5));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void onlyTheFirstReservationWinsAndTheAcceptedTaskIsRemembered() {
        assertThat(store.reserve(queue, "k", "fp").isEmpty(), is(true));
        IdempotencyStore.Entry pending = store.reserve(queue, "k", "fp").orElseThrow();
        assertThat(pending.isPending(), is(true));

        IdempotencyStore.Entry accepted = new IdempotencyStore.Entry("fp", "task-1", "2026-01-01T00:00:00Z", "req-1");
        store.complete(queue, "k", accepted);
        assertThat(store.reserve(queue, "k", "other").orElseThrow(), is(accepted));
        assertThat(
                "another queue has its own keys",
                store.reserve(queue + "-b", "k", "fp").isEmpty(),
                is(true));
    }

    @Test
    void aReleasedKeyCanBeReservedAgain() {
        store.reserve(queue, "k", "fp");
        store.release(queue, "k");
        assertThat(store.reserve(queue, "k", "fp").isEmpty(), is(true));
    }

    @Test
    void keysExpireAfterTheTtlAndCompletingKeepsIt() {
        store.reserve(queue, "k", "fp");
        store.complete(queue, "k", new IdempotencyStore.Entry("fp", "t", "2026-01-01T00:00:00Z", "r"));
        try (JedisPooled redis = new JedisPooled(REDIS)) {
            long ttl = redis.pttl("levee:idempotency:" + queue + ":k");
            assertThat(
                    ttl,
                    allOf(
                            greaterThan(0L),
                            lessThanOrEqualTo(Duration.ofMinutes(5).toMillis())));
        }
    }
}
