package io.levee.limits;

import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * A {@link PermitBudget} that every replica shares: one bucket4j bucket in Redis per queue, one permit every
 * 1/rate s for all of them together. When Redis does not answer, this replica falls back to its share,
 * {@code rate / replicas}, in a local bucket (logged once, shown as mode {@code fallback}), and tries Redis again
 * every few seconds; delivery never stalls on Redis, and the replicas together stay within the budget as long as
 * the replica count is right.
 */
public final class SharedBudget implements PermitBudget {

    private static final Logger LOG = Logger.getLogger(SharedBudget.class.getName());

    /** How long a replica in fallback keeps away from Redis before trying it again. */
    static final Duration RETRY_REDIS = Duration.ofSeconds(5);

    private final String queue;
    private final BucketProxy shared;
    private final IntSupplier replicas;
    private final LongSupplier nanoTime;
    private final LocalBudget fallback;
    private volatile double rate;
    private volatile boolean rateStale;
    private volatile long fallbackUntil = Long.MIN_VALUE;
    private volatile boolean inFallback;

    /**
     * @param queue    the queue, for messages
     * @param proxies  bucket4j's buckets in Redis
     * @param key      the bucket's Redis key
     * @param rate     permits per second for all replicas together
     * @param replicas how many replicas share it, asked when falling back
     */
    public SharedBudget(String queue, ProxyManager<String> proxies, String key, double rate, IntSupplier replicas) {
        this(queue, proxies, key, rate, replicas, System::nanoTime);
    }

    SharedBudget(
            String queue,
            ProxyManager<String> proxies,
            String key,
            double rate,
            IntSupplier replicas,
            LongSupplier nanoTime) {
        this.queue = queue;
        this.rate = rate;
        this.replicas = replicas;
        this.nanoTime = nanoTime;
        this.fallback = new LocalBudget(rate, nanoTime);
        this.shared = proxies.builder().build(key, () -> LocalBudget.configuration(rate));
        this.rateStale = true;
    }

    @Override
    public long tryTake() {
        if (inFallback && nanoTime.getAsLong() < fallbackUntil) {
            return fallback.tryTake();
        }
        try {
            if (rateStale) {
                shared.replaceConfiguration(LocalBudget.configuration(rate), TokensInheritanceStrategy.AS_IS);
                rateStale = false;
            }
            var probe = shared.tryConsumeAndReturnRemaining(1);
            if (inFallback) {
                inFallback = false;
                LOG.info(() -> "Redis answers again: delivery to '" + queue + "' takes its permits from the shared"
                        + " budget of " + rate + "/s");
            }
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        } catch (RuntimeException e) {
            fallBack(e);
            return fallback.tryTake();
        }
    }

    private synchronized void fallBack(RuntimeException cause) {
        int n = Math.max(1, replicas.getAsInt());
        fallback.rate(rate / n);
        fallbackUntil = nanoTime.getAsLong() + RETRY_REDIS.toNanos();
        if (!inFallback) {
            inFallback = true;
            LOG.warning("the shared delivery budget of '" + queue + "' is unreachable in Redis (" + cause
                    + "); this replica delivers at its share, " + rate + "/s / " + n + " replicas = " + (rate / n)
                    + "/s, until Redis answers");
        }
    }

    @Override
    public void rate(double perSecond) {
        rate = perSecond;
        rateStale = true;
        if (inFallback) {
            fallback.rate(perSecond / Math.max(1, replicas.getAsInt()));
        }
    }

    @Override
    public String mode() {
        return inFallback ? "fallback" : "shared";
    }
}
