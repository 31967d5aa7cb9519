package io.levee.worker.internal;

import java.util.function.BooleanSupplier;

/**
 * Holds a queue's deliveries while an operator paused it: a delivery the broker sent before the pause waits here,
 * unstarted and unacknowledged, until the queue is resumed (or its session stops, which returns it to the queue).
 * Holding rather than handing it back keeps its place and its delivery count: a quorum queue counts every return
 * as a failed delivery.
 */
final class PauseGate {

    private boolean open = true;

    synchronized void close() {
        open = false;
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    synchronized boolean isOpen() {
        return open;
    }

    /** Wakes the waiters so that they look at {@code giveUp} again. */
    synchronized void wake() {
        notifyAll();
    }

    /** Waits until the gate opens or {@code giveUp} is true. */
    synchronized void awaitOpen(BooleanSupplier giveUp) throws InterruptedException {
        while (!open && !giveUp.getAsBoolean()) {
            wait();
        }
    }
}
