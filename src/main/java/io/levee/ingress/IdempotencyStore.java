package io.levee.ingress;

import java.util.Optional;

/**
 * Remembers idempotency keys per queue for a TTL. A request first {@linkplain #reserve reserves} its key (atomic:
 * exactly one concurrent request wins), then either {@linkplain #complete completes} it with its 202 or
 * {@linkplain #release releases} it when publishing failed, so that a retry may publish.
 */
public interface IdempotencyStore extends AutoCloseable {

    /**
     * What a key stands for.
     *
     * @param fingerprint SHA-256 of the body (hex); the same key with another body is refused
     * @param taskId      the accepted task's id, or null while its request is still publishing
     * @param acceptedAt  when it was accepted (ISO-8601), or null while pending
     * @param requestId   the request id of the accepted request, or null while pending
     */
    record Entry(String fingerprint, String taskId, String acceptedAt, String requestId) {

        static Entry pending(String fingerprint) {
            return new Entry(fingerprint, null, null, null);
        }

        boolean isPending() {
            return taskId == null;
        }
    }

    /** Reserves the key for a request with this fingerprint; empty if reserved now, else what the key already holds. */
    Optional<Entry> reserve(String queue, String key, String fingerprint);

    /** Records the accepted task under a key this request reserved. */
    void complete(String queue, String key, Entry accepted);

    /** Forgets a key this request reserved but could not complete. */
    void release(String queue, String key);

    @Override
    void close();
}
