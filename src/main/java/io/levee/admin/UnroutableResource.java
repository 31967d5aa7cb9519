package io.levee.admin;

import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.messaging.ParkedTasks;
import io.levee.messaging.Topology;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /v1/unroutable}: tasks parked in {@value Topology#UNROUTABLE} because no queue matched their routing key
 * when they were published; a replay sends each to the queue its routing key names, once that queue exists.
 */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/unroutable")
public class UnroutableResource {

    private final ParkedTasks parked;

    @Inject
    UnroutableResource(ParkedTasks parked) {
        this.parked = parked;
    }

    /** A page of parked tasks in queue order, each with the queue it was meant for. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(
            @QueryParam("limit") String limit, @QueryParam("after") String after, @QueryParam("body") String body) {
        int pageSize = Operations.intParam("limit", limit, 50, 1, Operations.MAX_PAGE);
        ParkedTasks.Page page;
        try {
            page = Operations.onBroker(
                    () -> parked.list(Topology.UNROUTABLE, null, pageSize, DeadLetterResource.blankToNull(after)));
        } catch (IllegalArgumentException e) {
            throw Operations.invalid("'after': " + e.getMessage());
        }
        return Operations.json(200, Operations.page(Topology.UNROUTABLE, page, "true".equals(body)));
    }

    /** Sends parked tasks to the queues their routing keys name; a task whose queue is still missing stays. */
    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replay(byte[] body) {
        ParkedTasks.Selection selection = Operations.selection(body);
        return Operations.json(
                200,
                Operations.replayed(Operations.onBroker(() -> parked.replay(Topology.UNROUTABLE, null, selection))));
    }
}
