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
        return Operations.listParked(parked, Topology.UNROUTABLE, null, limit, after, body);
    }

    /** Sends parked tasks to the queues their routing keys name; a task whose queue is still missing stays. */
    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replay(byte[] body) {
        return Operations.replayParked(parked, Topology.UNROUTABLE, null, body);
    }
}
