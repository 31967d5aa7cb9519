package io.levee.limits;

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
 * {@code levee.limits.redis-uri} is set ({@link SharedBudget}), this replica's own otherwise ({@link LocalBudget}).
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
    public synchronized PermitBudget budget(String queue, double rate) {
        Optional<URI> uri = settings.redisUri();
        if (uri.isEmpty()) {
            return new LocalBudget(rate);
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
        return new SharedBudget(queue, proxies, settings.keyPrefix() + queue, rate, () -> replicaCount(queue));
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
