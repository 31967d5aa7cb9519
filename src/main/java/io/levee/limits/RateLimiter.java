package io.levee.limits;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * One rate limit, enforced by a bucket4j bucket built from its {@link RateLimitSettings}:
 * FIXED refills all permits at each window boundary, ROLLING refills greedily, SMOOTH holds one permit refilled
 * every window/value; {@code minSpacing} adds a one-permit bandwidth refilled every minSpacing.
 */
public final class RateLimiter {

    private final String name;
    private final RateLimitSettings settings;
    private final RateLimitListener listener;
    private final Bucket bucket;
    private final LongSupplier nanoTime;

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
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        this.nanoTime = nanoTime;
        LocalBucketBuilder builder = Bucket.builder().addLimit(bandwidth(settings));
        if (!settings.minSpacing().isZero()) {
            builder.addLimit(Bandwidth.builder().capacity(1).refillIntervally(1, settings.minSpacing()).build());
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
        }).build();
    }

    private static Bandwidth bandwidth(RateLimitSettings s) {
        return switch (s.type()) {
            case FIXED -> Bandwidth.builder().capacity(s.value()).refillIntervally(s.value(), s.window()).build();
            case ROLLING -> Bandwidth.builder().capacity(s.value()).refillGreedy(s.value(), s.window()).build();
            case SMOOTH -> Bandwidth.builder().capacity(1).refillIntervally(1, s.window().dividedBy(s.value()))
                    .build();
        };
    }

    /** The limit this limiter enforces. */
    public RateLimitSettings settings() {
        return settings;
    }

    /**
     * Takes a permit: at once if one is free; in WAIT mode by waiting up to {@code maxWait} for one.
     *
     * @throws RateLimitException when there is none (REJECT) or none within {@code maxWait} (WAIT)
     * @throws InterruptedException when interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        if (bucket.tryConsume(1)) {
            listener.permitted(name);
            return;
        }
        if (settings.mode() == RateLimit.Mode.WAIT) {
            long start = nanoTime.getAsLong();
            if (bucket.asBlocking().tryConsume(1, settings.maxWait())) {
                listener.waited(name, Duration.ofNanos(nanoTime.getAsLong() - start));
                listener.permitted(name);
                return;
            }
        }
        listener.rejected(name);
        throw new RateLimitException("rate limit of " + name + " exceeded (" + settings.value() + " per "
                + settings.window() + (settings.mode() == RateLimit.Mode.WAIT
                ? ", no permit within " + TimeUnit.NANOSECONDS.toMillis(settings.maxWait().toNanos()) + " ms" : "")
                + ")");
    }
}
