package io.levee.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One rate limit, enforced by a bucket4j bucket built from its {@link RateLimitSettings}:
 * FIXED refills all permits at each window boundary, ROLLING refills greedily, SMOOTH holds one permit refilled
 * every window/value; {@code minSpacing} adds a one-permit bandwidth refilled every minSpacing.
 */
public final class RateLimiter {

    /** Shortest wait between two polls, so that competing waiters do not spin. */
    private static final long MIN_POLL_NANOS = 100_000;

    private final String name;
    private final RateLimitSettings settings;
    private final RateLimitListener listener;
    private final Bucket bucket;
    private final Bucket shared;
    private final LongSupplier nanoTime;
    private volatile long sharedRetryAt = Long.MIN_VALUE;
    private volatile boolean sharedDown;

    /** How long a limiter whose shared bucket is unreachable keeps to its local share before trying Redis again. */
    static final Duration RETRY_SHARED = Duration.ofSeconds(5);

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RateLimiter.class.getName());

    /**
     * A limiter on the system clock.
     *
     * @param name     how the listener names it, e.g. {@code com.acme.Orders#handle}
     * @param settings the limit
     * @param listener told about permits, waits and rejections
     */
    public RateLimiter(String name, RateLimitSettings settings, RateLimitListener listener) {
        this(name, settings, listener, System::nanoTime);
    }

    /** A limiter on the given nanosecond clock, for tests that must not wait for real time to pass. */
    RateLimiter(String name, RateLimitSettings settings, RateLimitListener listener, LongSupplier nanoTime) {
        this(name, settings, listener, nanoTime, null, 1);
    }

    /**
     * A limiter whose permits come from a bucket shared with other replicas (bucket4j's bucket in Redis); while that
     * bucket cannot be reached, from a local one holding this replica's share ({@code value / replicas}).
     *
     * @param shared   the shared bucket, configured with {@link #configuration}
     * @param replicas how many replicas share it
     */
    RateLimiter(String name, RateLimitSettings settings, RateLimitListener listener, Bucket shared, int replicas) {
        this(name, settings, listener, System::nanoTime, shared, replicas);
    }

    private RateLimiter(
            String name,
            RateLimitSettings settings,
            RateLimitListener listener,
            LongSupplier nanoTime,
            Bucket shared,
            int replicas) {
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        this.nanoTime = nanoTime;
        this.shared = shared;
        RateLimitSettings local = shared == null
                ? settings
                : new RateLimitSettings(
                        Math.max(1, settings.value() / Math.max(1, replicas)),
                        settings.window(),
                        settings.minSpacing(),
                        settings.type(),
                        settings.mode(),
                        settings.maxWait());
        LocalBucketBuilder builder = Bucket.builder();
        for (Bandwidth b : configuration(local).getBandwidths()) {
            builder.addLimit(b);
        }
        this.bucket = builder.withCustomTimePrecision(new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                        return nanoTime.getAsLong();
                    }

                    @Override
                    public boolean isWallClockBased() {
                        return false;
                    }
                })
                .build();
    }

    /** The bucket configuration of a limit: its bandwidth, plus one permit per {@code minSpacing} if it has one. */
    static BucketConfiguration configuration(RateLimitSettings settings) {
        ConfigurationBuilder builder = BucketConfiguration.builder().addLimit(bandwidth(settings));
        if (!settings.minSpacing().isZero()) {
            builder.addLimit(Bandwidth.builder()
                    .capacity(1)
                    .refillIntervally(1, settings.minSpacing())
                    .build());
        }
        return builder.build();
    }

    /** Takes a permit from the shared bucket, or, while it cannot be reached, from this replica's share. */
    private ConsumptionProbe tryConsume() {
        if (shared != null && nanoTime.getAsLong() >= sharedRetryAt) {
            try {
                ConsumptionProbe probe = shared.tryConsumeAndReturnRemaining(1);
                if (sharedDown) {
                    sharedDown = false;
                    LOG.info(() -> "Redis answers again: " + name + " takes its permits from the shared limit");
                }
                return probe;
            } catch (RuntimeException e) {
                sharedRetryAt = nanoTime.getAsLong() + RETRY_SHARED.toNanos();
                if (!sharedDown) {
                    sharedDown = true;
                    LOG.warning("the shared @RateLimit of " + name + " is unreachable in Redis (" + e
                            + "); this replica takes permits from its share until Redis answers");
                }
            }
        }
        return bucket.tryConsumeAndReturnRemaining(1);
    }

    private static Bandwidth bandwidth(RateLimitSettings s) {
        return switch (s.type()) {
            case FIXED ->
                Bandwidth.builder()
                        .capacity(s.value())
                        .refillIntervally(s.value(), s.window())
                        .build();
            case ROLLING ->
                Bandwidth.builder()
                        .capacity(s.value())
                        .refillGreedy(s.value(), s.window())
                        .build();
            case SMOOTH ->
                Bandwidth.builder()
                        .capacity(1)
                        .refillGreedy(1, s.window().dividedBy(s.value()))
                        .build();
        };
    }

    /**
     * Takes a permit: at once if one is free; in WAIT mode by waiting up to {@code maxWait} for one.
     *
     * @throws RateLimitException when there is none (REJECT) or none within {@code maxWait} (WAIT)
     * @throws InterruptedException when interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        ConsumptionProbe probe = tryConsume();
        if (probe.isConsumed()) {
            listener.permitted(name);
            return;
        }
        if (settings.mode() == RateLimit.Mode.WAIT) {
            long start = nanoTime.getAsLong();
            long deadline = start + settings.maxWait().toNanos();
            // Poll rather than reserve (bucket4j's blocking consume): a reserved permit is used whenever the waiter
            // wakes, so late waiters would start together; polling takes a permit only when the call really starts.
            while (true) {
                long wait = Math.max(probe.getNanosToWaitForRefill(), MIN_POLL_NANOS);
                if (nanoTime.getAsLong() + wait > deadline) {
                    break;
                }
                Thread.sleep(Duration.ofNanos(wait));
                probe = tryConsume();
                if (probe.isConsumed()) {
                    listener.waited(name, Duration.ofNanos(nanoTime.getAsLong() - start));
                    listener.permitted(name);
                    return;
                }
            }
        }
        listener.rejected(name);
        throw new RateLimitException("rate limit of " + name + " exceeded (" + settings.value() + " per "
                + settings.window()
                + (settings.mode() == RateLimit.Mode.WAIT
                        ? ", no permit within " + settings.maxWait().toMillis() + " ms"
                        : "")
                + ")");
    }
}
