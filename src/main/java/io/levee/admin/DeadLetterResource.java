package io.levee.admin;

import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.messaging.ParkedTasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code /v1/queues/{queue}/dead-letters}: list a queue's dead-lettered tasks, replay them into the queue, purge them
 * (see openapi.yaml and docs/operations.md for how a listing reads a quorum queue without reordering it).
 */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/queues/{queue}/dead-letters")
public class DeadLetterResource {

    private final LeveeConfig config;
    private final ParkedTasks parked;

    @Inject
    DeadLetterResource(LeveeConfig config, ParkedTasks parked) {
        this.config = config;
        this.parked = parked;
    }

    /** A page of dead-lettered tasks in queue order, after the task {@code after}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(
            @PathParam("queue") String queue,
            @QueryParam("limit") String limit,
            @QueryParam("after") String after,
            @QueryParam("body") String body) {
        Operations.requireConfigured(config, queue);
        return Operations.listParked(parked, config.queues().get(queue).deadLetterQueue(), queue, limit, after, body);
    }

    /** Moves tasks back into the queue: {@code {"all": true}}, {@code {"ids": [...]}} or {@code {"limit": n}}. */
    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replay(@PathParam("queue") String queue, byte[] body) {
        Operations.requireConfigured(config, queue);
        return Operations.replayParked(parked, config.queues().get(queue).deadLetterQueue(), queue, body);
    }

    /** Deletes every dead-lettered task of the queue, only with {@code ?confirm=<queue>}. */
    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Response purge(@PathParam("queue") String queue, @QueryParam("confirm") String confirm) {
        Operations.requireConfigured(config, queue);
        if (!queue.equals(confirm)) {
            throw new OperationProblem(
                    OperationProblem.Kind.CONFIRMATION_REQUIRED,
                    "purging deletes every dead-lettered task of '" + queue + "' for good; repeat with ?confirm="
                            + queue);
        }
        String dlq = config.queues().get(queue).deadLetterQueue();
        long purged = Operations.onBroker(() -> parked.purge(dlq));
        return Operations.json(200, Map.of("purged", purged));
    }
}
