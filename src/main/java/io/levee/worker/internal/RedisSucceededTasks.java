package io.levee.worker.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Succeeded task ids in Redis, shared by every worker replica: one key per task, {@code <prefix>done:<queue>:<id>},
 * expiring after the queue's {@code deduplicate-ttl}. A check is one {@code EXISTS}; the ids a session finished are
 * written in one pipeline just before it acknowledges them.
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
