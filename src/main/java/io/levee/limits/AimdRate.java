package io.levee.limits;

import io.levee.config.AdaptiveSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * A request rate that follows a downstream's health by additive increase and multiplicative decrease (AIMD, as TCP
 * congestion control does): the p95 latency of recent requests above the threshold, or the downstream saying "too
 * many" (429 or {@code Retry-After}), cuts the rate by a percentage; each healthy second raises it by a fixed step,
 * back up to the ceiling.
 *
 * <p>The latencies of requests started before one second after the first answer do not count: they pay for the
 * client's connections and cold code, not for the downstream. A throttling answer counts at any time.
 *
 * <p>A cut takes effect for requests that start after it: the latencies of requests already on their way when the
 * rate was cut are ignored, so one slow spell costs one cut, not one per request in flight. Time comes from the
 * given clock, so tests need not wait. Thread-safe.
 */
public final class AimdRate {

    /** How often the rate is raised (by {@code increasePerSecond}) and the p95 judged. */
    static final Duration STEP = Duration.ofSeconds(1);

    /** Fewer latencies than this in the window are too few to cut on. */
    static final int MIN_SAMPLES = 5;

    /**
     * Latency cuts need at least this many answers above the threshold: below 20 answers the p95 is the slowest one,
     * so a single slow answer (a new connection, a pause of this process) would cut on its own.
     */
    static final int MIN_SLOW = 2;

    private final AdaptiveSettings settings;
    private final LongSupplier nanoTime;
    private final Deque<long[]> latencies = new ArrayDeque<>();
    private double ceiling;
    private double rate;
    private long cuts;
    private long lastCut;
    private long lastStep;
    private String lastCutReason = "";
    private long warmUpEnds;
    private boolean answeredOnce;

    /**
     * @param settings thresholds and steps
     * @param ceiling  the highest rate (requests/s), where the rate starts
     * @param nanoTime the clock, {@link System#nanoTime()} outside tests
     */
    public AimdRate(AdaptiveSettings settings, double ceiling, LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.ceiling = ceiling;
        this.rate = ceiling;
        long now = nanoTime.getAsLong();
        this.lastCut = now - STEP.toNanos();
        this.lastStep = now;
    }

    /** The rate now, in requests per second. */
    public synchronized double rate() {
        step(nanoTime.getAsLong());
        return rate;
    }

    /** How often the rate was cut so far. */
    public synchronized long cuts() {
        return cuts;
    }

    /** Why the rate was last cut, for the log: the p95 and how many answers it was taken over, or throttling. */
    public synchronized String lastCutReason() {
        return lastCutReason;
    }

    /** A new ceiling (an operator changed {@code max-rate}): the rate never exceeds it, and starts from it. */
    public synchronized void ceiling(double next) {
        ceiling = next;
        rate = next;
        latencies.clear();
    }

    /**
     * A request that started at {@code startNanos} (on this rate's clock) was answered after {@code latency}.
     * Failed requests count too: a downstream that is slow to fail is slow.
     */
    public synchronized void answered(long startNanos, Duration latency) {
        if (!settings.enabled() || startNanos < lastCut) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (!answeredOnce) {
            answeredOnce = true;
            warmUpEnds = now + STEP.toNanos();
        }
        if (startNanos < warmUpEnds) {
            // A fresh client opens its connections (and its code is still cold) on these requests: measured at
            // 1.4-1.8 s for a replica's first answers on a loaded machine, against 20 ms once warm.
            step(now);
            return;
        }
        latencies.addLast(new long[] {now, latency.toNanos()});
        trim(now);
        long threshold = settings.latencyThreshold().toNanos();
        if (latencies.size() >= MIN_SAMPLES && p95() > threshold && above(threshold) >= MIN_SLOW) {
            lastCutReason = "p95 latency " + p95() / 1_000_000 + " ms over the last " + latencies.size()
                    + " answers, threshold " + settings.latencyThreshold().toMillis() + " ms";
            cut(now);
        }
        step(now);
    }

    /**
     * The downstream answered "too many requests" (429, or a {@code Retry-After}) to a request that started at
     * {@code startNanos}: the rate is cut at once, unless it already was after that request started.
     */
    public synchronized void throttled(long startNanos) {
        if (!settings.enabled() || startNanos < lastCut) {
            return;
        }
        lastCutReason = "the downstream answered 429 or Retry-After";
        cut(nanoTime.getAsLong());
    }

    private void cut(long now) {
        rate = Math.max(settings.minRate(), Math.min(rate, ceiling) * (100 - settings.cutPercent()) / 100.0);
        cuts++;
        lastCut = now;
        lastStep = now;
        latencies.clear();
    }

    /** Raises the rate for every whole healthy second since the last step. */
    private void step(long now) {
        if (!settings.enabled()) {
            return;
        }
        long steps = (now - lastStep) / STEP.toNanos();
        if (steps <= 0) {
            return;
        }
        lastStep += steps * STEP.toNanos();
        trim(now);
        if (!latencies.isEmpty() && p95() > settings.latencyThreshold().toNanos()) {
            return;
        }
        rate = Math.min(ceiling, rate + steps * settings.increasePerSecond());
    }

    private void trim(long now) {
        long oldest = now - settings.latencyWindow().toNanos();
        while (!latencies.isEmpty() && latencies.peekFirst()[0] < oldest) {
            latencies.removeFirst();
        }
    }

    private long above(long threshold) {
        return latencies.stream().filter(l -> l[1] > threshold).count();
    }

    private long p95() {
        long[] sorted = latencies.stream().mapToLong(l -> l[1]).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.95) - 1)];
    }
}
