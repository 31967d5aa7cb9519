package io.levee.ingress;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the request bodies held in memory at once ({@code levee.ingest.body-memory}). Each request reserves what
 * its body can grow to before reading it: its declared length, or the limit when the length is unknown or the body
 * is gzip (its decoded size is only known once decoded). A request that cannot get its share within the wait is
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

    /** A share of the budget, given back when the request is answered. */
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Reserves room for a body of at most {@code limit} bytes.
     *
     * @throws ProblemException 503 {@code server-busy} when the room is not free within {@code wait}
     */
    Reservation reserve(String contentLength, String contentEncoding, long limit, Duration wait) {
        int need = (int)
                Math.min(totalKib, Math.max(1, (expectedBytes(contentLength, contentEncoding, limit) + KIB - 1) / KIB));
        boolean got;
        try {
            got = kib.tryAcquire(need, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new ProblemException(
                    ProblemType.SERVER_BUSY, "too many request bodies are being read at once; retry shortly", 1);
        }
        return () -> kib.release(need);
    }

    /** KiB free now (for tests and the dashboard). */
    int availableKib() {
        return kib.availablePermits();
    }

    static long expectedBytes(String contentLength, String contentEncoding, long limit) {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (!encoding.isEmpty() && !"identity".equals(encoding)) {
            return limit;
        }
        if (contentLength == null || contentLength.isBlank()) {
            return limit;
        }
        try {
            return Math.min(limit, Math.max(0, Long.parseLong(contentLength.trim())));
        } catch (NumberFormatException e) {
            return limit; // refused later with its own problem
        }
    }
}
