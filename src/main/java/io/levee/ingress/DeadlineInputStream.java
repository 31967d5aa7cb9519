package io.levee.ingress;

import io.helidon.common.buffers.DataReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request body with a deadline on the whole of it ({@code levee.ingest.request-timeout}). A client that trickles
 * its body is answered 408 at its first read past the deadline. A client that stops sending altogether would hold
 * its request for as long as it keeps the connection open: the web server (Helidon 4.2.6) puts no read timeout on
 * the connections it accepts ({@code server.connection-options.read-timeout} only reaches its client sockets). So a
 * watcher interrupts a reader still blocked {@link #CUT_GRACE_MILLIS} after its deadline (a client still sending
 * gets its 408 at its next byte before that); a virtual thread interrupted in a socket read closes the socket, which
 * ends the request (no answer can reach that client any more). A client that closes its
 * connection in the middle of its body is an invalid request, not an error of Levee's: the web server reports it as
 * an unchecked exception, which would otherwise be answered 500 and logged with a stack trace, one per abandoned
 * upload.
 */
final class DeadlineInputStream extends FilterInputStream {

    private static final int READING = 0;
    private static final int FINISHED = 1;
    private static final int CUTTING = 2;
    private static final int CUT = 3;
    private static final int CUT_AND_CLEARED = 4;

    /** How often the watcher looks for readers past their deadline: the deadline's precision. */
    private static final long WATCH_PERIOD_MILLIS = 250;

    /** How long after its deadline a reader still blocked is cut: no body is read longer than the two together. */
    static final long CUT_GRACE_MILLIS = 1_000;

    private static final Set<DeadlineInputStream> WATCHED = ConcurrentHashMap.newKeySet();

    private static final class Watcher {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("levee-request-deadline").factory());

        static {
            // Runs for the life of the process; cutExpired throws nothing, so the schedule never stops.
            var unused = TIMER.scheduleAtFixedRate(
                    Watcher::cutExpired, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        static void start() {
            // Loading this class starts the watcher.
        }

        private static void cutExpired() {
            long now = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(CUT_GRACE_MILLIS);
            WATCHED.removeIf(body -> {
                if (now - body.deadlineNanos <= 0) {
                    return false;
                }
                body.cut();
                return true;
            });
        }
    }

    private final long deadlineNanos;
    private final Duration timeout;
    private final Thread reader;
    private final AtomicInteger state = new AtomicInteger(READING);
    private volatile boolean connectionFailed;

    /** Watches the body read by the current thread from now until {@link #finish()}. */
    DeadlineInputStream(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.reader = Thread.currentThread();
        Watcher.start();
        WATCHED.add(this);
    }

    private void cut() {
        if (state.compareAndSet(READING, CUTTING)) {
            reader.interrupt();
            state.set(CUT);
        }
    }

    /**
     * Ends the watch, once the body was read to its end (the stream does it itself) or the request is being answered;
     * clears an interrupt the watcher made, so that it reaches nothing after the body (publishing above all).
     */
    void finish() {
        WATCHED.remove(this);
        if (state.compareAndSet(READING, FINISHED) || state.get() == FINISHED || state.get() == CUT_AND_CLEARED) {
            return;
        }
        while (state.get() == CUTTING) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        state.set(CUT_AND_CLEARED);
    }

    @Override
    public int read() throws IOException {
        return guarded(super::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return guarded(() -> super.read(b, off, len));
    }

    /** One read of the body underneath. */
    @FunctionalInterface
    private interface Read {
        int next() throws IOException;
    }

    /**
     * A read within the deadline: checked before and after, the end of the body finishing the watch, a read the
     * watcher cut answered as the timeout, and the web server's unchecked failures as the problem each one is.
     */
    private int guarded(Read read) throws IOException {
        check();
        int n;
        try {
            n = read.next();
            if (n < 0) {
                finish();
            }
        } catch (IOException e) {
            if (wasCut()) {
                throw timedOut();
            }
            throw e;
        } catch (RuntimeException e) {
            throw translated(e);
        }
        check();
        return n;
    }

    private boolean wasCut() {
        return state.get() >= CUTTING;
    }

    /** Whether the connection is gone (cut at the deadline, or closed or broken by the client): nothing can be sent. */
    boolean connectionLost() {
        return wasCut() || connectionFailed;
    }

    private void check() {
        if (wasCut() || System.nanoTime() - deadlineNanos > 0) {
            throw timedOut();
        }
    }

    private ProblemException timedOut() {
        return new ProblemException(
                ProblemType.REQUEST_TIMEOUT,
                "the request body took longer than " + timeout.toMillis() + " ms to arrive");
    }

    /** The web server's unchecked read failures as the problem each one is; anything else unchanged. */
    private RuntimeException translated(RuntimeException e) {
        if (wasCut()) {
            return timedOut();
        }
        if (e instanceof DataReader.InsufficientDataAvailableException) {
            connectionFailed = true;
            return new ProblemException(
                    ProblemType.INVALID_REQUEST, "the connection closed before the body was complete");
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                connectionFailed = true;
                // A reset or broken connection (the web server wraps it, e.g. in a ServerConnectionException).
                return new ProblemException(
                        ProblemType.INVALID_REQUEST, "the body could not be read: " + io.getMessage());
            }
        }
        return e;
    }
}
