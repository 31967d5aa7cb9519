package io.levee.messaging;

import java.util.concurrent.locks.LockSupport;

/**
 * One published message waiting for the broker's answer. The connection's I/O thread settles it; the request thread
 * that sent it parks until then or until its deadline. Cheaper than a {@code CompletableFuture}: one object per send,
 * no completion stack.
 */
final class PendingConfirm {

    /** How a send ended. */
    enum Outcome {
        /** The broker stored the message. */
        ACKED,
        /** The broker refused the message (queue at its maximum length). */
        NACKED,
        /** The channel closed before the broker answered: the message may or may not be stored. */
        FAILED
    }

    final long sequence;
    private volatile Outcome outcome;
    private volatile Thread waiter;
    private Throwable failure;

    PendingConfirm(long sequence) {
        this.sequence = sequence;
    }

    /** Settles once; later calls are ignored (a confirm after a channel failure, say). */
    void settle(Outcome result, Throwable cause) {
        if (outcome != null) {
            return;
        }
        failure = cause;
        outcome = result;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Waits for the outcome.
     *
     * @return the outcome, or null when none arrived within {@code nanos}
     */
    Outcome await(long nanos) throws InterruptedException {
        Outcome result = outcome;
        if (result != null) {
            return result;
        }
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        while ((result = outcome) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return result;
    }

    /** Why the channel failed, for {@link Outcome#FAILED}. */
    Throwable failure() {
        return failure;
    }
}
