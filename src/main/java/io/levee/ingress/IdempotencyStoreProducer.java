package io.levee.ingress;

import io.levee.config.IdempotencySettings;
import io.levee.config.LeveeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Chooses the idempotency store: Redis when {@code levee.idempotency.redis-uri} is set, else in memory. */
@ApplicationScoped
class IdempotencyStoreProducer {

    @Produces
    @Singleton
    IdempotencyStore store(LeveeConfig config) {
        IdempotencySettings s = config.idempotency();
        return s.redisUri()
                .<IdempotencyStore>map(uri -> new RedisIdempotencyStore(uri, s.ttl()))
                .orElseGet(() -> new InMemoryIdempotencyStore(s.ttl(), s.maxEntries(), Clock.systemUTC()));
    }

    void close(@Disposes IdempotencyStore store) {
        store.close();
    }
}
