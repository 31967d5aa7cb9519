package io.levee.ingress;

import io.helidon.common.context.Contexts;
import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.config.QueueSettings;
import io.levee.limits.AdaptivePace;
import io.levee.limits.DeliveryPaces;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.QueueState;
import io.levee.security.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/queues[/{queue}[/schema]]}: what each queue holds and how fast it fills and drains. */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/queues")
public class QueueResource {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(QueueResource.class.getName());

    private final LeveeConfig config;
    private final Broker broker;
    private final QueueRates rates;
    private final QueueSchemas schemas;
    private final ControlPlane control;
    private final DeliveryPaces paces;

    @Inject
    QueueResource(
            LeveeConfig config,
            Broker broker,
            QueueRates rates,
            QueueSchemas schemas,
            ControlPlane control,
            DeliveryPaces paces) {
        this.control = control;
        this.paces = paces;
        this.config = config;
        this.broker = broker;
        this.rates = rates;
        this.schemas = schemas;
    }

    /**
     * Every configured queue the caller may use: an identity limited by queue patterns does not learn the names and
     * state of other queues (with authentication off there is no identity, and every queue is listed).
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        Optional<Identity> caller = Contexts.context().flatMap(c -> c.get(Identity.class));
        List<Map<String, Object>> queues = new ArrayList<>();
        for (QueueSettings q : config.queues().values()) {
            if (caller.map(i -> i.mayUse(q.name())).orElse(true)) {
                queues.add(status(q));
            }
        }
        return Response.ok(TaskIntake.writeJson(Map.of("queues", queues)), MediaType.APPLICATION_JSON)
                .build();
    }

    /** One queue. */
    @GET
    @Path("/{queue}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("queue") String queue) {
        QueueNames.requireConfigured(config, queue);
        return Response.ok(TaskIntake.writeJson(status(config.queues().get(queue))), MediaType.APPLICATION_JSON)
                .build();
    }

    /** The JSON Schema of a queue's task bodies. */
    @GET
    @Path("/{queue}/schema")
    @Produces("application/schema+json")
    public Response schema(@PathParam("queue") String queue) {
        QueueNames.requireConfigured(config, queue);
        return schemas.document(queue)
                .map(doc -> Response.ok(TaskIntake.writeJson(doc), "application/schema+json")
                        .build())
                .orElseThrow(() ->
                        new ProblemException(ProblemType.NO_SCHEMA, "queue '" + queue + "' takes any JSON value"));
    }

    private Map<String, Object> status(QueueSettings q) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", q.name());
        s.put("maxLength", q.maxLength());
        try {
            QueueState state = broker.state(q.name());
            s.put("depth", state.depth());
            s.put("consumers", state.consumers());
            s.put("deadLetterDepth", broker.depth(q.deadLetterQueue()));
            s.put("waiting", broker.delayed(q));
        } catch (BrokerUnavailableException e) {
            // The cause names the broker's host: it goes to the log, never into an answer.
            LOG.warning("queue state of '" + q.name() + "' unavailable: " + e.getMessage());
            throw new ProblemException(
                    ProblemType.BROKER_UNAVAILABLE, "the broker did not answer", Admission.RETRY_AFTER_UNAVAILABLE);
        }
        s.put("paused", control.control(q.name()).paused());
        s.put("ingestRate", round(rates.ingestRate(q.name())));
        s.put("drainRate", round(rates.drainRate(q.name())));
        Long runtimeCeiling = control.control(q.name()).ingestMaxRate();
        long ceiling = runtimeCeiling != null ? runtimeCeiling : q.ingestMaxRate();
        if (ceiling > 0) {
            s.put("ingestMaxRate", (double) ceiling);
        }
        if (q.schema().isPresent()) {
            s.put("schema", "/v1/queues/" + q.name() + "/schema");
        }
        paces.state(q.name()).ifPresent(pace -> s.put("delivery", delivery(pace)));
        return s;
    }

    private static Map<String, Object> delivery(AdaptivePace.State pace) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rate", pace.rate());
        d.put("maxRate", pace.maxRate());
        d.put("circuit", pace.circuit());
        d.put("cuts", pace.cuts());
        d.put("circuitOpened", pace.circuitOpened());
        d.put("budget", pace.budget());
        return d;
    }

    private static double round(double rate) {
        return Math.round(rate * 10) / 10.0;
    }
}
