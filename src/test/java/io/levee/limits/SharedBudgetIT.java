package io.levee.limits;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.levee.config.AdaptiveSettings;
import io.levee.config.CircuitSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The shared delivery budget against the Redis at {@code LEVEE_TEST_REDIS_URI}: two replicas (each with its own Redis
 * client, as two processes would have) stay within one budget together; unreachable Redis falls back to the share.
 */
class SharedBudgetIT {

    static final URI REDIS = URI.create(System.getenv().getOrDefault("LEVEE_TEST_REDIS_URI", "redis://127.0.0.1:6379"));
    static final AdaptiveSettings FIXED =
            new AdaptiveSettings(false, Duration.ofMillis(800), Duration.ofSeconds(10), 1, 50, 1);
    static final CircuitSettings NO_CIRCUIT = new CircuitSettings(false, 5, 100, Duration.ofSeconds(5), 3);

    final String key = "levee:it:budget:" + UUID.randomUUID();
    final List<JedisPooled> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(JedisPooled::close);
    }

    @Test
    void twoReplicasTogetherStayWithinOneBudget() throws Exception {
        int rate = 20;
        int permits = 60;
        List<AdaptivePace> replicas = List.of(replica(REDIS, rate), replica(REDIS, rate));
        List<Long> starts = new CopyOnWriteArrayList<>();
        AtomicInteger left = new AtomicInteger(permits);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> running = new ArrayList<>();
        for (AdaptivePace pace : replicas) {
            for (int session = 0; session < 4; session++) {
                running.add(threads.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        pace.call(() -> starts.add(System.nanoTime()));
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : running) {
            f.get();
        }
        threads.close();

        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        assertThat(sorted.size(), is(permits));
        assertThat(
                "starts in the busiest second, both replicas together",
                busiestSecond(sorted),
                lessThanOrEqualTo(rate + 1));
        assertThat(
                "60 permits at 20/s take about 3 s",
                sorted.getLast() - sorted.getFirst(),
                greaterThanOrEqualTo(Duration.ofMillis(2_800).toNanos()));
        assertThat(replicas.getFirst().state().budget(), is("shared"));
    }

    @Test
    void unreachableRedisFallsBackToThisReplicasShare() {
        AtomicLong clock = new AtomicLong();
        SharedBudget budget =
                new SharedBudget("q", proxies(URI.create("redis://127.0.0.1:18401")), key, 20, () -> 4, clock::get);

        assertThat(budget.tryTake(), is(0L));
        assertThat(budget.mode(), is("fallback"));
        assertThat("20/s over 4 replicas: one permit every 200 ms", budget.tryTake(), is(200_000_000L));

        clock.addAndGet(SharedBudget.RETRY_REDIS.toNanos());
        assertThat("Redis tried again, still down: the share goes on", budget.tryTake(), is(0L));
        assertThat(budget.mode(), is("fallback"));
    }

    private AdaptivePace replica(URI redis, int rate) {
        SharedBudget budget = new SharedBudget("q", proxies(redis), key, rate, () -> 2);
        return new AdaptivePace(
                "q", rate, FIXED, NO_CIRCUIT, budget, t -> true, PaceListener.NONE, Duration.ofSeconds(30));
    }

    private ProxyManager<String> proxies(URI redis) {
        JedisPooled client = new JedisPooled(redis, 300);
        clients.add(client);
        return Bucket4jJedis.casBasedBuilder(client).keyMapper(Mapper.STRING).build();
    }

    /** The most starts in any window [t, t + 1 s) that begins at a start. */
    static int busiestSecond(List<Long> sortedNanos) {
        int most = 0;
        int end = 0;
        for (int start = 0; start < sortedNanos.size(); start++) {
            while (end < sortedNanos.size() && sortedNanos.get(end) - sortedNanos.get(start) < 1_000_000_000L) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }
}
