package io.levee.ingress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Idempotency keys in this replica's memory: bounded to {@code maxEntries} (the oldest are forgotten first) and
 * expired after the TTL. Per replica: behind a load balancer, a retry that reaches another replica is not
 * recognised; set {@code levee.idempotency.redis-uri} for that.
 */
final class InMemoryIdempotencyStore implements IdempotencyStore {

    private record Stored(Entry entry, Instant expires) {}

    private final Map<String, Stored> entries = new LinkedHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;

    InMemoryIdempotencyStore(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<Entry> reserve(String queue, String key, String fingerprint) {
        Instant now = clock.instant();
        expire(now);
        String k = queue + "\n" + key;
        Stored existing = entries.get(k);
        if (existing != null) {
            return Optional.of(existing.entry());
        }
        if (entries.size() >= maxEntries) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        entries.put(k, new Stored(Entry.pending(fingerprint), now.plus(ttl)));
        return Optional.empty();
    }

    @Override
    public synchronized void complete(String queue, String key, Entry accepted) {
        entries.computeIfPresent(queue + "\n" + key, (k, s) -> new Stored(accepted, s.expires()));
    }

    @Override
    public synchronized void release(String queue, String key) {
        entries.remove(queue + "\n" + key);
    }

    @Override
    public void close() {
        // Nothing to release: the entries die with the replica.
    }

    /** Entries are in insertion order and share one TTL, so the expired ones are at the front. */
    private void expire(Instant now) {
        Iterator<Stored> it = entries.values().iterator();
        while (it.hasNext() && !it.next().expires().isAfter(now)) {
            it.remove();
        }
    }
}
