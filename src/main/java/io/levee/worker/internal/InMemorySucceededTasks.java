package io.levee.worker.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Succeeded task ids in this replica's memory, in the order they were added, bounded to {@code maxEntries} (the
 * oldest are forgotten first) and expired after their TTL. It recognises a repeat only on the replica that handled
 * the original: with several worker replicas, set {@code levee.state.redis-uri}.
 */
final class InMemorySucceededTasks implements SucceededTasks {

    private final Map<String, Long> expiries = new LinkedHashMap<>();
    private final int maxEntries;
    private final Clock clock;

    InMemorySucceededTasks(int maxEntries, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public synchronized boolean contains(String queue, String taskId) {
        Long expires = expiries.get(key(queue, taskId));
        return expires != null && expires > clock.millis();
    }

    @Override
    public synchronized void addAll(String queue, Collection<String> taskIds, Duration ttl) {
        long expires = clock.millis() + ttl.toMillis();
        for (String id : taskIds) {
            String key = key(queue, id);
            expiries.remove(key);
            expiries.put(key, expires);
        }
        Iterator<Map.Entry<String, Long>> oldest = expiries.entrySet().iterator();
        long now = clock.millis();
        while (oldest.hasNext()) {
            Map.Entry<String, Long> e = oldest.next();
            if (expiries.size() <= maxEntries && e.getValue() > now) {
                break;
            }
            oldest.remove();
        }
    }

    private static String key(String queue, String taskId) {
        return queue + "\n" + taskId;
    }
}
