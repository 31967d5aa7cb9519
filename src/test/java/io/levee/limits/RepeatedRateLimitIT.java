package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * {@code @RateLimit} repeated (every limit must give a permit) and shared (one bucket in the Redis at
 * {@code LEVEE_TEST_REDIS_URI} for every replica).
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(RepeatedRateLimitIT.TwoLimits.class)
@AddBean(RepeatedRateLimitIT.SharedLimit.class)
@AddConfig(key = "levee.limits.redis-uri", value = "${levee.test.redis.uri:redis://127.0.0.1:6379}")
@AddConfig(key = "levee.limits.key-prefix", value = "levee:it:${levee.test.run}:")
class RepeatedRateLimitIT {

    static final URI REDIS = URI.create(System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
    static final String RUN = UUID.randomUUID().toString();

    static {
        // A fresh key prefix per run: an hourly bucket left in Redis by an earlier run would be spent already.
        System.setProperty("levee.test.run", RUN);
    }

    @Inject
    TwoLimits twoLimits;

    @Inject
    SharedLimit sharedLimit;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;

    @Test
    void aCallNeedsAPermitOfEveryLimit() throws Exception {
        for (int i = 0; i < 5; i++) {
            twoLimits.call();
        }

        assertThrows(RateLimitException.class, twoLimits::call, "the sixth call in an hour of 5 per hour");
        assertThat("one interception per call: five calls took five permits", TwoLimits.calls, is(5));
        assertThat(
                metrics.counter("levee.ratelimit.rejections", new Tag("method", TwoLimits.class.getName() + "#call[1]"))
                        .getCount(),
                is(1L));
    }

    @Test
    void aSharedLimitKeepsItsBucketInRedisForEveryReplica() {
        for (int i = 0; i < 2; i++) {
            sharedLimit.call();
        }
        try (JedisPooled redis = new JedisPooled(REDIS, 2_000)) {
            Bucket otherReplica = Bucket4jJedis.casBasedBuilder(redis)
                    .keyMapper(Mapper.STRING)
                    .build()
                    .builder()
                    .build("levee:it:" + RUN + ":ratelimit:" + SharedLimit.class.getName() + "#call", () -> {
                        throw new AssertionError("the bucket should exist in Redis already");
                    });

            assertThat("another replica takes the third permit", otherReplica.tryConsume(1), is(true));
        }

        assertThrows(RateLimitException.class, sharedLimit::call, "3 per hour for the cluster are spent");
    }

    /** 100 per second and 5 per hour at once. */
    @ApplicationScoped
    public static class TwoLimits {
        static int calls;

        @RateLimit(value = 100, window = 1, mode = RateLimit.Mode.REJECT, type = RateLimit.Type.ROLLING)
        @RateLimit(
                value = 5,
                window = 1,
                windowUnit = ChronoUnit.HOURS,
                mode = RateLimit.Mode.REJECT,
                type = RateLimit.Type.ROLLING)
        public synchronized void call() {
            calls++;
        }
    }

    /** 3 per hour for every replica together. */
    @ApplicationScoped
    public static class SharedLimit {

        @RateLimit(
                value = 3,
                window = 1,
                windowUnit = ChronoUnit.HOURS,
                mode = RateLimit.Mode.REJECT,
                type = RateLimit.Type.ROLLING,
                shared = true)
        public void call() {}
    }
}
