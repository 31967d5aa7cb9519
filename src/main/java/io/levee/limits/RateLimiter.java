package io.levee.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
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
            builder.addLimit(Bandwidth.builder()
                    .capacity(1)
                    .refillIntervally(1, settings.minSpacing())
                    .build());
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
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
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
                probe = bucket.tryConsumeAndReturnRemaining(1);
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
