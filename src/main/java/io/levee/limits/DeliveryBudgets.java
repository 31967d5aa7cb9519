package io.levee.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.levee.config.LimitsSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;

/**
 * Hands each delivered queue its {@link PermitBudget}: shared by every replica in Redis when
 * {@code levee.limits.redis-uri} is set ({@link SharedBudget}), this replica's own otherwise ({@link LocalBudget});
 * and a {@code @RateLimit(shared = true)} its bucket in the same Redis.
 */
@ApplicationScoped
public class DeliveryBudgets {

    /** Redis answers in well under this on a working network; a longer wait would stall delivery. */
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    private final LimitsSettings settings;
    private final Instance<ReplicaCount> replicas;
    private JedisPooled redis;
    private ProxyManager<String> proxies;

    /** For CDI's proxy. */
    DeliveryBudgets() {
        this.settings = null;
        this.replicas = null;
    }

    @Inject
    DeliveryBudgets(LimitsSettings settings, @Any Instance<ReplicaCount> replicas) {
        this.settings = settings;
        this.replicas = replicas;
    }

    /** The budget of {@code queue}'s delivery at {@code rate} permits/s. */
    public PermitBudget budget(String queue, double rate) {
        return proxies()
                .<PermitBudget>map(
                        p -> new SharedBudget(queue, p, settings.keyPrefix() + queue, rate, () -> replicaCount(queue)))
                .orElseGet(() -> new LocalBudget(rate));
    }

    /**
     * A bucket shared by every replica under {@code name} (prefixed with {@code levee.limits.key-prefix}), created
     * with {@code configuration} if Redis does not hold it yet; empty without {@code levee.limits.redis-uri}.
     */
    public Optional<Bucket> sharedBucket(String name, BucketConfiguration configuration) {
        return proxies().map(p -> p.builder().build(settings.keyPrefix() + name, () -> configuration));
    }

    /** The configured replica count ({@code levee.limits.replicas}), else 1. */
    public int configuredReplicas() {
        return settings.replicas().orElse(1);
    }

    private synchronized Optional<ProxyManager<String>> proxies() {
        Optional<URI> uri = settings.redisUri();
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        if (proxies == null) {
            GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
            // Every consumer session of every delivered queue may ask at once; a session never waits long for one.
            pool.setMaxTotal(64);
            pool.setMaxWait(REDIS_TIMEOUT);
            redis = new JedisPooled(pool, uri.get(), (int) REDIS_TIMEOUT.toMillis());
            proxies = Bucket4jJedis.casBasedBuilder(redis)
                    .keyMapper(Mapper.STRING)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                    .build();
        }
        return Optional.of(proxies);
    }

    private int replicaCount(String queue) {
        if (settings.replicas().isPresent()) {
            return settings.replicas().getAsInt();
        }
        return replicas.isResolvable() ? Math.max(1, replicas.get().replicas(queue)) : 1;
    }

    @PreDestroy
    synchronized void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
