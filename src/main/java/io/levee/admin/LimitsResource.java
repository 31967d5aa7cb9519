package io.levee.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.levee.config.DeliverySettings;
import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.config.QueueSettings;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.QueueControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET/PUT /v1/queues/{queue}/limits}: a queue's delivery {@code max-rate} and {@code max-in-flight} and its
 * ingest {@code max-rate}, changed at runtime on every replica (through {@link ControlPlane}). A member set to null
 * returns to the configured value; a member left out is unchanged.
 */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/queues/{queue}/limits")
public class LimitsResource {

    private static final Set<String> MEMBERS = Set.of("deliveryMaxRate", "deliveryMaxInFlight", "ingestMaxRate");

    private final LeveeConfig config;
    private final ControlPlane control;
    private final ControlStore store;

    @Inject
    LimitsResource(LeveeConfig config, ControlPlane control, ControlStore store) {
        this.config = config;
        this.control = control;
        this.store = store;
    }

    /** Configured and current limits. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("queue") String queue) {
        Operations.requireConfigured(config, queue);
        return Operations.json(200, answer(queue));
    }

    /** Changes the limits on every replica; answers configured and current values. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("queue") String queue, byte[] body) {
        Operations.requireConfigured(config, queue);
        JsonNode request = Operations.object(body);
        request.fieldNames().forEachRemaining(name -> {
            if (!MEMBERS.contains(name)) {
                throw Operations.invalid("unknown member '" + name + "'; the limits are " + MEMBERS);
            }
        });
        Optional<DeliverySettings> delivery = config.queues().get(queue).delivery();
        if (delivery.isEmpty() && (request.has("deliveryMaxRate") || request.has("deliveryMaxInFlight"))) {
            throw Operations.invalid("queue '" + queue + "' has no built-in delivery (levee.queues." + queue
                    + ".delivery.url); only ingestMaxRate applies to it");
        }
        QueueControl now = control.control(queue);
        Double rate = request.has("deliveryMaxRate")
                ? number(request.get("deliveryMaxRate"), "deliveryMaxRate", 0.01, 1_000_000)
                : now.deliveryMaxRate();
        Double inFlight = request.has("deliveryMaxInFlight")
                ? wholeNumber(request.get("deliveryMaxInFlight"), "deliveryMaxInFlight", 1, 10_000)
                : toDouble(now.deliveryMaxInFlight());
        Double ingest = request.has("ingestMaxRate")
                ? wholeNumber(request.get("ingestMaxRate"), "ingestMaxRate", 0, 100_000_000)
                : toDouble(now.ingestMaxRate());
        Operations.control(
                control,
                store,
                queue,
                c -> c.setLimits(
                        queue,
                        rate,
                        inFlight == null ? null : inFlight.intValue(),
                        ingest == null ? null : ingest.longValue()));
        return Operations.json(200, answer(queue));
    }

    private Map<String, Object> answer(String queue) {
        QueueSettings q = config.queues().get(queue);
        Optional<DeliverySettings> delivery = config.queues().get(queue).delivery();
        Map<String, Object> configured = new LinkedHashMap<>();
        delivery.ifPresent(d -> {
            configured.put("deliveryMaxRate", (double) d.maxRate());
            configured.put("deliveryMaxInFlight", d.maxInFlight());
        });
        configured.put("ingestMaxRate", q.ingestMaxRate());
        QueueControl c = control.control(queue);
        Map<String, Object> current = new LinkedHashMap<>(configured);
        if (c.deliveryMaxRate() != null) {
            current.put("deliveryMaxRate", c.deliveryMaxRate());
        }
        if (c.deliveryMaxInFlight() != null) {
            current.put("deliveryMaxInFlight", c.deliveryMaxInFlight());
        }
        if (c.ingestMaxRate() != null) {
            current.put("ingestMaxRate", c.ingestMaxRate());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue", queue);
        m.put("configured", configured);
        m.put("current", current);
        m.put("survivesRestart", store.durable());
        return m;
    }

    private static Double number(JsonNode value, String name, double min, double max) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw Operations.invalid("'" + name + "' must be a number from " + min + " to " + max + ", or null");
        }
        return value.doubleValue();
    }

    private static Double wholeNumber(JsonNode value, String name, long min, long max) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
            throw Operations.invalid("'" + name + "' must be a whole number from " + min + " to " + max + ", or null");
        }
        return (double) value.longValue();
    }

    private static Double toDouble(Number n) {
        return n == null ? null : n.doubleValue();
    }
}
