package io.levee.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Task status in Redis (LEVEE_TEST_REDIS_URI, default db 7 of 127.0.0.1:6379): ranked merges, TTL, batching. */
class RedisTaskStatusStoreIT {

    static final URI REDIS =
            URI.create(System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379/7"));
    static final String PREFIX = "levee-ops-test:" + UUID.randomUUID() + ":";

    final RedisTaskStatusStore store = new RedisTaskStatusStore(REDIS, PREFIX);

    @AfterEach
    void close() {
        store.close();
        try (JedisPooled redis = new JedisPooled(REDIS)) {
            redis.keys(PREFIX + "*").forEach(redis::del);
        }
    }

    @Test
    void updatesArrivingOutOfOrderNeverMoveAStatusBackwards() {
        store.record(update("t", 5, Map.of("state", "processing", "attempts", "1"), Duration.ofMinutes(1)));
        store.record(update("t", 0, Map.of("state", "accepted", "acceptedAt", "10"), Duration.ofMinutes(1)));
        store.record(update("t", 7, Map.of("state", "succeeded", "result", "{\"ok\":true}"), Duration.ofMinutes(1)));
        store.record(update("t", 6, Map.of("state", "retrying"), Duration.ofMinutes(1)));

        await("all four written").atMost(Duration.ofSeconds(10)).until(() -> store.read("q", "t")
                .map(f -> f.containsKey("acceptedAt") && f.containsKey("result"))
                .orElse(false));
        Map<String, String> f = store.read("q", "t").orElseThrow();
        assertThat(f.get("state"), is("succeeded"));
        assertThat(f.get("acceptedAt"), is("10"));
        assertThat(f.get("result"), is("{\"ok\":true}"));
    }

    @Test
    void aStatusExpiresWithTheQueuesTtl() {
        store.record(update("short", 0, Map.of("state", "accepted"), Duration.ofSeconds(30)));
        await("written").atMost(Duration.ofSeconds(10)).until(() -> store.read("q", "short")
                .isPresent());
        try (JedisPooled redis = new JedisPooled(REDIS)) {
            long ttl = redis.pttl(PREFIX + "status:q:short");
            assertThat(ttl, greaterThan(0L));
            assertThat(ttl, lessThanOrEqualTo(30_000L));
        }
    }

    @Test
    void aThousandUpdatesAreWrittenInBatches() {
        for (int i = 0; i < 1_000; i++) {
            store.record(update("n" + i, 0, Map.of("state", "accepted"), Duration.ofMinutes(1)));
        }
        await("the last one written").atMost(Duration.ofSeconds(30)).until(() -> store.read("q", "n999")
                .isPresent());
        for (int i = 0; i < 1_000; i += 111) {
            assertThat("n" + i, store.read("q", "n" + i).isPresent(), is(true));
        }
    }

    private static TaskStatusStore.Update update(String id, int rank, Map<String, String> fields, Duration ttl) {
        return new TaskStatusStore.Update("q", id, rank, fields, ttl);
    }
}
