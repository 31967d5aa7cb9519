package io.levee.ingress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A request body with a deadline on the whole of it: a client that trickles its body (a byte every few seconds,
 * each read inside the server's read timeout) is answered 408 at its first read past the deadline instead of
 * holding a request for as long as it likes. A client that stops sending altogether is cut by the server's read
 * timeout ({@code server.connection-options.read-timeout}), so no body is read for longer than the two together.
 */
final class DeadlineInputStream extends FilterInputStream {

    private final long deadlineNanos;
    private final Duration timeout;

    DeadlineInputStream(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        check();
        int b = super.read();
        check();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        int n = super.read(b, off, len);
        check();
        return n;
    }

    private void check() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new ProblemException(
                    ProblemType.REQUEST_TIMEOUT,
                    "the request body took longer than " + timeout.toMillis() + " ms to arrive");
        }
    }
}
