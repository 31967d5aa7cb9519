package io.levee.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.levee.config.StateSettings;
import io.levee.messaging.BrokerReady;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.QueueControl;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Keeps operator-set queue state (pause, runtime limits) across restarts when {@code levee.state.redis-uri} is set:
 * each change is written to the hash {@code <prefix>control}, and a starting replica restores it before its
 * consumers start. Without Redis the state lives in the replicas and survives the restart of one of them only
 * (the others hand it over, {@link ControlPlane}); a restart of all of them returns every queue to its
 * configuration.
 */
@ApplicationScoped
public class ControlStore {

    private static final Logger LOG = Logger.getLogger(ControlStore.class.getName());

    private final JedisPooled redis;
    private final String key;
    private final ControlPlane control;

    @Inject
    ControlStore(StateSettings settings, ControlPlane control) {
        this.control = control;
        this.redis = settings.redisUri().map(JedisPooled::new).orElse(null);
        this.key = settings.keyPrefix() + "control";
    }

    /** After the control plane subscribed and before the consumers start. */
    void restore(@Observes @Priority(1100) BrokerReady ready) {
        if (redis == null) {
            return;
        }
        try {
            Map<String, QueueControl> stored = new HashMap<>();
            for (Map.Entry<String, String> e : redis.hgetAll(key).entrySet()) {
                stored.put(e.getKey(), read(e.getValue()));
            }
            control.restore(stored);
            LOG.info(() -> "Restored the operator-set state of " + stored.size() + " queue(s) from Redis");
        } catch (JedisException | IOException e) {
            LOG.log(Level.WARNING, "cannot restore operator-set queue state from Redis; queues run as configured", e);
        }
    }

    /** Records a queue's new state, when a store is configured. */
    void save(String queue, QueueControl state) {
        if (redis == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("paused", state.paused());
        m.put("deliveryMaxRate", state.deliveryMaxRate());
        m.put("deliveryMaxInFlight", state.deliveryMaxInFlight());
        m.put("ingestMaxRate", state.ingestMaxRate());
        try {
            redis.hset(key, queue, Operations.JSON.writeValueAsString(m));
        } catch (JedisException | IOException e) {
            throw new OperationProblem(
                    OperationProblem.Kind.STATE_UNAVAILABLE,
                    "the change is in effect on every replica but could not be stored in Redis, so a restart would"
                            + " undo it: " + e.getMessage(),
                    e);
        }
    }

    /** Whether changes survive a restart of every replica. */
    boolean durable() {
        return redis != null;
    }

    private static QueueControl read(String json) throws IOException {
        JsonNode n = Operations.JSON.readTree(json);
        return new QueueControl(
                n.path("paused").asBoolean(),
                n.hasNonNull("deliveryMaxRate") ? n.get("deliveryMaxRate").asDouble() : null,
                n.hasNonNull("deliveryMaxInFlight")
                        ? n.get("deliveryMaxInFlight").asInt()
                        : null,
                n.hasNonNull("ingestMaxRate") ? n.get("ingestMaxRate").asLong() : null);
    }

    @PreDestroy
    void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
