package io.levee.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.function.LongSupplier;

/** A {@link PermitBudget} of this replica alone: a bucket4j bucket of one permit, refilled at the rate. */
public final class LocalBudget implements PermitBudget {

    private final Bucket bucket;

    /** A budget at {@code perSecond} on the system clock. */
    public LocalBudget(double perSecond) {
        this(perSecond, System::nanoTime);
    }

    /** A budget on the given nanosecond clock, for tests that must not wait for real time to pass. */
    LocalBudget(double perSecond, LongSupplier nanoTime) {
        this.bucket = Bucket.builder()
                .addLimit(bandwidth(perSecond))
                .withCustomTimePrecision(new TimeMeter() {
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

    /**
     * One permit every 1/{@code perSecond} s and a capacity of one: evenly spaced, no burst, so at most
     * {@code perSecond} + 1 permits in any second.
     */
    static Bandwidth bandwidth(double perSecond) {
        long nanos = Math.max(1, Math.round(1e9 / perSecond));
        return Bandwidth.builder()
                .capacity(1)
                .refillGreedy(1, Duration.ofNanos(nanos))
                .build();
    }

    static BucketConfiguration configuration(double perSecond) {
        return BucketConfiguration.builder().addLimit(bandwidth(perSecond)).build();
    }

    @Override
    public long tryTake() {
        var probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    @Override
    public void rate(double perSecond) {
        bucket.replaceConfiguration(configuration(perSecond), TokensInheritanceStrategy.AS_IS);
    }

    @Override
    public String mode() {
        return "local";
    }
}
