package io.levee.worker.internal;

import java.time.Duration;

/** Capped exponential backoff: the first delay, doubled after each failure up to the cap, reset on success. */
final class Backoff {

    private final Duration first;
    private final Duration cap;
    private Duration next;

    Backoff(Duration first, Duration cap) {
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= cap, was " + first + " and " + cap);
        }
        this.first = first;
        this.cap = cap;
        this.next = first;
    }

    /** The delay to wait now; the one after it is twice as long, up to the cap. */
    synchronized Duration next() {
        Duration current = next;
        Duration doubled = current.multipliedBy(2);
        next = doubled.compareTo(cap) > 0 ? cap : doubled;
        return current;
    }

    /** Starts again from the first delay. */
    synchronized void reset() {
        next = first;
    }
}
