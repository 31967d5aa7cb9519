package io.levee.admin;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Task statuses in this replica's memory: right for a single replica ({@code levee.role=all}), where the gateway
 * and the worker are one process. Expired statuses are dropped as they are met and by a sweep every minute; beyond
 * {@code levee.state.max-entries} the oldest tasks' statuses are forgotten first (logged once), so the tasks a client
 * just submitted always have one.
 */
final class InMemoryTaskStatusStore implements TaskStatusStore {

    private static final Logger LOG = Logger.getLogger(InMemoryTaskStatusStore.class.getName());
    private static final long SWEEP_EVERY_MS = 60_000;

    private record Entry(int rank, Map<String, String> fields, long expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Keys in the order their tasks were first recorded: the front is forgotten first. */
    private final Queue<String> order = new ConcurrentLinkedQueue<>();

    private final Clock clock;
    private final int maxEntries;
    private final AtomicBoolean full = new AtomicBoolean();
    private volatile long nextSweep;

    InMemoryTaskStatusStore(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.nextSweep = clock.millis() + SWEEP_EVERY_MS;
    }

    @Override
    public void record(Update u) {
        long now = clock.millis();
        sweepIfDue(now);
        String key = u.queue() + '\u0000' + u.id();
        boolean[] added = {false};
        entries.compute(key, (k, old) -> {
            added[0] = old == null;
            return merge(old != null && old.expiresAt() > now ? old : null, u, now);
        });
        if (added[0]) {
            order.add(key);
            forgetBeyondMax();
        }
    }

    private void forgetBeyondMax() {
        while (entries.size() > maxEntries) {
            String oldest = order.poll();
            if (oldest == null) {
                return;
            }
            entries.remove(oldest);
            if (full.compareAndSet(false, true)) {
                LOG.warning("task status holds levee.state.max-entries=" + maxEntries + " tasks; the oldest are"
                        + " forgotten first (levee.state.redis-uri keeps every status for its TTL)");
            }
        }
    }

    private static Entry merge(Entry old, Update u, long now) {
        long expiresAt = now + u.ttl().toMillis();
        if (old == null) {
            return new Entry(u.rank(), u.fields(), expiresAt);
        }
        Map<String, String> fields = new HashMap<>(old.fields());
        if (u.rank() >= old.rank()) {
            fields.putAll(u.fields());
            return new Entry(u.rank(), fields, expiresAt);
        }
        u.fields().forEach(fields::putIfAbsent);
        return new Entry(old.rank(), fields, Math.max(expiresAt, old.expiresAt()));
    }

    @Override
    public Optional<Map<String, String>> read(String queue, String id) {
        Entry e = entries.get(queue + '\u0000' + id);
        return e == null || e.expiresAt() <= clock.millis() ? Optional.empty() : Optional.of(e.fields());
    }

    private void sweepIfDue(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MS;
        entries.values().removeIf(e -> e.expiresAt() <= now);
        order.removeIf(k -> !entries.containsKey(k));
        full.set(false);
    }

    @Override
    public void close() {
        entries.clear();
        order.clear();
    }
}
