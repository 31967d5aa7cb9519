package io.levee.ingress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the request bodies held in memory at once ({@code levee.ingest.body-memory}). A request is charged for the
 * bytes it holds, as they arrive (decoded bytes for a gzip body), plus, before reading, the array a small body of
 * declared length is read into. What a body only announces costs nothing: a client that declares a 4 MiB batch, or
 * starts a gzip or chunked body, and then stalls holds the few bytes it sent, so a few hundred stalled connections
 * cannot take the budget from everyone else. A request that cannot get room for its next bytes within the wait is
 * answered 503 with a Retry-After, so 32 gzip bombs at once cost the heap the budget, not 32 times the batch limit.
 */
final class BodyBudget {

    private static final long KIB = 1024;

    private final Semaphore kib;
    private final int totalKib;

    BodyBudget(long bytes) {
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / KIB));
        this.kib = new Semaphore(totalKib, true);
    }

    /** A request's share of the budget, grown as its body arrives and given back when the request is answered. */
    final class Reservation implements AutoCloseable {

        private final Duration wait;
        private int heldKib;

        private Reservation(Duration wait) {
            this.wait = wait;
        }

        /**
         * Makes room for {@code bytes} of body in all (a total, not an increment); nothing when that room is held.
         *
         * @throws ProblemException 503 {@code server-busy} when the room is not free within the wait
         */
        void cover(long bytes) {
            int need = (int) Math.min(totalKib, Math.max(1, (bytes + KIB - 1) / KIB));
            if (need <= heldKib) {
                return;
            }
            boolean got;
            try {
                got = kib.tryAcquire(need - heldKib, wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                got = false;
            }
            if (!got) {
                throw new ProblemException(
                        ProblemType.SERVER_BUSY, "too many request bodies are being read at once; retry shortly", 1);
            }
            heldKib = need;
        }

        /** The body, charging this reservation for every byte read from it. */
        InputStream meter(InputStream body) {
            return body == null ? null : new Metered(body, this);
        }

        @Override
        public void close() {
            kib.release(heldKib);
            heldKib = 0;
        }
    }

    /**
     * Opens a reservation for one body; a body of declared length that is read into an array of that length
     * ({@link TaskBodies#PREALLOCATED_MAX} bytes at most) is charged for it now.
     *
     * @throws ProblemException 503 {@code server-busy} when that room is not free within {@code wait}
     */
    Reservation reserve(String contentLength, String contentEncoding, Duration wait) {
        Reservation r = new Reservation(wait);
        long preallocated = preallocatedBytes(contentLength, contentEncoding);
        if (preallocated > 0) {
            r.cover(preallocated);
        }
        return r;
    }

    /** KiB free now (for tests and the dashboard). */
    int availableKib() {
        return kib.availablePermits();
    }

    /** The bytes read into an array before the body arrives: a small unencoded body of declared length; else 0. */
    static long preallocatedBytes(String contentLength, String contentEncoding) {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if ((!encoding.isEmpty() && !"identity".equals(encoding)) || contentLength == null || contentLength.isBlank()) {
            return 0;
        }
        try {
            long declared = Long.parseLong(contentLength.trim());
            return declared > 0 && declared <= TaskBodies.PREALLOCATED_MAX ? declared : 0;
        } catch (NumberFormatException e) {
            return 0; // refused later with its own problem
        }
    }

    /** A body that charges its reservation for the bytes it has handed out. */
    private static final class Metered extends FilterInputStream {

        private final Reservation reservation;
        private long read;

        Metered(InputStream in, Reservation reservation) {
            super(in);
            this.reservation = reservation;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                reservation.cover(++read);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                reservation.cover(read);
            }
            return n;
        }
    }
}
