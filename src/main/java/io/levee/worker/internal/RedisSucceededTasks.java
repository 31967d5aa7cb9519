package io.levee.worker.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Succeeded task ids in Redis, shared by every worker replica: one key per task, {@code <prefix>done:<queue>:<id>},
 * expiring after the queue's {@code deduplicate-ttl}. The tasks a session holds are checked with one {@code MGET}
 * (a single task with one {@code EXISTS}); the ids a session finished are written in one pipeline just before it
 * acknowledges them.
 */
final class RedisSucceededTasks implements SucceededTasks {

    private final JedisPooled redis;
    private final String prefix;

    RedisSucceededTasks(URI uri, String keyPrefix) {
        this.redis = new JedisPooled(uri);
        this.prefix = keyPrefix + "done:";
    }

    @Override
    public boolean contains(String queue, String taskId) {
        return redis.exists(key(queue, taskId));
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public Set<String> containing(String queue, Collection<String> taskIds) {
        List<String> ids = new ArrayList<>(taskIds);
        List<String> values = redis.mget(ids.stream().map(id -> key(queue, id)).toArray(String[]::new));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (values.get(i) != null) {
                seen.add(ids.get(i));
            }
        }
        return seen;
    }

    @Override
    public void addAll(String queue, Collection<String> taskIds, Duration ttl) {
        SetParams expiry = SetParams.setParams().px(ttl.toMillis());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : taskIds) {
                pipeline.set(key(queue, id), "1", expiry);
            }
            pipeline.sync();
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    private String key(String queue, String taskId) {
        return prefix + queue + ":" + taskId;
    }
}
