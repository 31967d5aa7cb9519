package io.levee.worker.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Succeeded task ids in Redis (LEVEE_TEST_REDIS_URI, default db 5 of 127.0.0.1:6379), seen by another replica. */
class RedisSucceededTasksIT {

    static final URI REDIS =
            URI.create(System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379/5"));
    static final String PREFIX = "levee-it-" + UUID.randomUUID() + ":";

    @Test
    void aTaskRecordedByOneReplicaIsARepeatForAnotherUntilItsTtl() {
        SucceededTasks first = new RedisSucceededTasks(REDIS, PREFIX);
        SucceededTasks second = new RedisSucceededTasks(REDIS, PREFIX);
        try {
            DuplicateFilter one = new DuplicateFilter(first, "q", Duration.ofMinutes(5));
            DuplicateFilter other = new DuplicateFilter(second, "q", Duration.ofMinutes(5));
            one.succeeded("t-1");
            assertThat("not yet recorded, not seen elsewhere", other.isRepeat("t-1"), is(false));
            assertThat("seen where it ran", one.isRepeat("t-1"), is(true));

            one.record();

            assertThat(other.isRepeat("t-1"), is(true));
            assertThat(other.isRepeat("t-2"), is(false));
            assertThat(
                    "another queue's id",
                    new DuplicateFilter(second, "p", Duration.ofMinutes(5)).isRepeat("t-1"),
                    is(false));
            try (JedisPooled redis = new JedisPooled(REDIS)) {
                long ttl = redis.pttl(PREFIX + "done:q:t-1");
                assertThat(ttl, greaterThan(0L));
                assertThat(ttl, lessThanOrEqualTo(Duration.ofMinutes(5).toMillis()));
                redis.del(PREFIX + "done:q:t-1");
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aWindowOfTasksIsCheckedAtOnce() {
        SucceededTasks first = new RedisSucceededTasks(REDIS, PREFIX);
        SucceededTasks second = new RedisSucceededTasks(REDIS, PREFIX);
        try {
            DuplicateFilter one = new DuplicateFilter(first, "q", Duration.ofMinutes(5));
            DuplicateFilter other = new DuplicateFilter(second, "q", Duration.ofMinutes(5));
            one.succeeded("w-1");
            one.succeeded("w-3");
            one.record();

            assertThat(second.containing("q", List.of("w-1", "w-2", "w-3")), is(Set.of("w-1", "w-3")));
            DuplicateFilter.Window window = other.check(List.of("w-1", "w-2"));
            assertThat(other.isRepeat("w-1", window), is(true));
            assertThat(other.isRepeat("w-2", window), is(false));
            try (JedisPooled redis = new JedisPooled(REDIS)) {
                redis.del(PREFIX + "done:q:w-1", PREFIX + "done:q:w-3");
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aStoreThatCannotBeReachedNeitherStopsNorSuppresses() {
        SucceededTasks away = new RedisSucceededTasks(URI.create("redis://127.0.0.1:1"), PREFIX);
        try {
            DuplicateFilter filter = new DuplicateFilter(away, "q", Duration.ofMinutes(5));
            filter.succeeded("t-3");
            filter.record();
            assertThat("the failed record is dropped, the check fails open", filter.isRepeat("t-3"), is(false));
            DuplicateFilter.Window window = filter.check(List.of("t-4"));
            assertThat("a window's check fails open too", filter.isRepeat("t-4", window), is(false));
        } finally {
            away.close();
        }
    }
}
