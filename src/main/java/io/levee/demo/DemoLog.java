package io.levee.demo;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which tasks the demo handler shows: each task while the queue is quiet, and under load only the first
 * {@code perSecond} tasks of each second. A log line per task costs more than the demo's whole work and makes a burst
 * unreadable. The rest are not lost from the log: every outcome is counted by the task log ({@code io.levee.task}),
 * whose summary line per queue and second says how many tasks of the demo queue succeeded.
 */
final class DemoLog {

    private final Clock clock;
    private final int perSecond;
    private final AtomicLong window = new AtomicLong(-1);
    private final AtomicLong inWindow = new AtomicLong();

    DemoLog(Clock clock, int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("levee.demo.log-per-second must be >= 0, was " + perSecond);
        }
        this.clock = clock;
        this.perSecond = perSecond;
    }

    /** A task was handled; true when this one is to be shown on its own line. */
    boolean handled() {
        long second = clock.millis() / 1000;
        long current = window.get();
        if (second != current && window.compareAndSet(current, second)) {
            inWindow.set(0);
        }
        return inWindow.incrementAndGet() <= perSecond;
    }
}
