package io.levee.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Task statuses in Redis, shared by every gateway and worker: one hash per task,
 * {@code <prefix>status:<queue>:<id>}, expiring after the queue's status TTL. Callers never wait for Redis: updates
 * go into a bounded buffer that one writer thread sends in pipelined batches (up to {@value #BATCH} updates per
 * round trip), each applied by a small script that keeps the rank order (see {@link TaskStatusStore}). When Redis
 * is slow or away and the buffer is full, updates are dropped and counted in the log: a status is information, and
 * ingest must not wait for it.
 */
final class RedisTaskStatusStore implements TaskStatusStore {

    private static final Logger LOG = Logger.getLogger(RedisTaskStatusStore.class.getName());
    static final int BATCH = 512;
    private static final int BUFFER = 100_000;

    /** KEYS[1] the hash; ARGV[1] rank, ARGV[2] ttl ms, then field/value pairs. */
    private static final String MERGE =
            """
            local cur = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
            local rank = tonumber(ARGV[1])
            if rank >= cur then
              for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
              redis.call('HSET', KEYS[1], 'rank', ARGV[1])
            else
              for i = 3, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
            end
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 1
            """;

    private final JedisPooled redis;
    private final String prefix;
    private final BlockingQueue<Update> buffer = new LinkedBlockingQueue<>(BUFFER);
    private final Thread writer;
    private volatile boolean closed;
    private long dropped;

    RedisTaskStatusStore(URI uri, String keyPrefix) {
        this.redis = new JedisPooled(uri);
        this.prefix = keyPrefix + "status:";
        this.writer = Thread.ofPlatform().daemon().name("levee-status-writer").start(this::write);
    }

    @Override
    public void record(Update update) {
        if (!buffer.offer(update)) {
            synchronized (this) {
                if (dropped++ % 10_000 == 0) {
                    LOG.warning("task status buffer full (Redis slow or unreachable); " + dropped
                            + " update(s) dropped so far");
                }
            }
        }
    }

    @Override
    public Optional<Map<String, String>> read(String queue, String id) {
        Map<String, String> fields = redis.hgetAll(key(queue, id));
        return fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    private String key(String queue, String id) {
        return prefix + queue + ":" + id;
    }

    private void write() {
        List<Update> batch = new ArrayList<>(BATCH);
        while (!closed || !buffer.isEmpty()) {
            try {
                Update first = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    buffer.drainTo(batch);
                    sendQuietly(batch);
                    return;
                }
            } catch (JedisException e) {
                LOG.log(Level.WARNING, batch.size() + " task status update(s) not written to Redis", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Update> batch) {
        try (AbstractPipeline p = redis.pipelined()) {
            for (Update u : batch) {
                List<String> args = new ArrayList<>(2 + 2 * u.fields().size());
                args.add(Integer.toString(u.rank()));
                args.add(Long.toString(u.ttl().toMillis()));
                u.fields().forEach((k, v) -> {
                    args.add(k);
                    args.add(v);
                });
                p.eval(MERGE, List.of(key(u.queue(), u.id())), args);
            }
            p.sync();
        }
    }

    private void sendQuietly(List<Update> batch) {
        try {
            if (!batch.isEmpty()) {
                send(batch);
            }
        } catch (JedisException e) {
            LOG.log(Level.FINE, "task status updates not written at shutdown", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.close();
    }
}
