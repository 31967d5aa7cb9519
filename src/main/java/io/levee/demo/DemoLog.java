package io.levee.demo;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo handler prints: each task while the queue is quiet, and under load only the first
 * {@code perSecond} tasks of each second plus one summary line per second. A log line per task costs more than the
 * demo's whole work and makes a burst unreadable; a count per second costs one atomic increment.
 */
final class DemoLog {

    private final Clock clock;
    private final int perSecond;
    private final AtomicLong window = new AtomicLong(-1);
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong notShown = new AtomicLong();

    DemoLog(Clock clock, int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("levee.demo.log-per-second must be >= 0, was " + perSecond);
        }
        this.clock = clock;
        this.perSecond = perSecond;
    }

    /** Counts a handled task; true when this one is to be logged on its own line. */
    boolean handled() {
        handled.incrementAndGet();
        long second = clock.millis() / 1000;
        long current = window.get();
        if (second != current && window.compareAndSet(current, second)) {
            inWindow.set(0);
        }
        if (inWindow.incrementAndGet() <= perSecond) {
            return true;
        }
        notShown.incrementAndGet();
        return false;
    }

    /**
     * The summary of the tasks handled since the last call, or null when none went unlogged (a quiet queue needs
     * none: each of its tasks had its own line).
     */
    String summary() {
        long total = handled.getAndSet(0);
        long hidden = notShown.getAndSet(0);
        if (hidden == 0) {
            return null;
        }
        return String.format(
                java.util.Locale.ROOT,
                "demo: %,d tasks handled since the last summary (%,d logged one by one, at most %d a second)",
                total,
                total - hidden,
                perSecond);
    }
}
