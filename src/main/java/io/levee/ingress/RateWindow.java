package io.levee.ingress;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A queue's recent history, one sample every few seconds of (time, depth, tasks this replica accepted so far), from
 * which the ingest and drain rates over a window are read. Drain is estimated, not measured: what came in minus what
 * stayed, {@code (ingested − Δdepth) / Δt}; with several gateways on one queue it undercounts (their tasks look like
 * depth growth). Not thread-safe; {@link QueueRates} guards it.
 */
final class RateWindow {

    private record Sample(long nanos, long depth, long ingested) {}

    private final long windowNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();

    RateWindow(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void record(long nanos, long depth, long ingested) {
        samples.addLast(new Sample(nanos, depth, ingested));
        while (samples.size() > 2 && nanos - samples.peekFirst().nanos() > windowNanos) {
            samples.removeFirst();
        }
    }

    /** Tasks/s accepted over the window; 0 before two samples. */
    double ingestRate() {
        if (samples.size() < 2) {
            return 0;
        }
        return (samples.peekLast().ingested() - samples.peekFirst().ingested()) / seconds();
    }

    /** Tasks/s that left the queue over the window (never negative); 0 before two samples. */
    double drainRate() {
        if (samples.size() < 2) {
            return 0;
        }
        long in = samples.peekLast().ingested() - samples.peekFirst().ingested();
        long grew = samples.peekLast().depth() - samples.peekFirst().depth();
        return Math.max(0, in - grew) / seconds();
    }

    /** The last sampled depth, or -1 before the first sample. */
    long depth() {
        return samples.isEmpty() ? -1 : samples.peekLast().depth();
    }

    private double seconds() {
        return Math.max(1, samples.peekLast().nanos() - samples.peekFirst().nanos()) / 1e9;
    }
}
