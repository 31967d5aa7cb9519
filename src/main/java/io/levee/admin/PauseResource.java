package io.levee.admin;

import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.messaging.ControlPlane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/queues/{queue}/pause} and {@code .../resume}: consumption stops (running tasks finish) or restarts
 * on every worker replica, the command carried through the broker ({@link ControlPlane}). Ingest goes on meanwhile.
 */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/queues/{queue}/{action: pause|resume}")
public class PauseResource {

    private final LeveeConfig config;
    private final ControlPlane control;
    private final ControlStore store;

    @Inject
    PauseResource(LeveeConfig config, ControlPlane control, ControlStore store) {
        this.config = config;
        this.control = control;
        this.store = store;
    }

    /** Pauses or resumes the queue; answers its new state once the broker confirmed the command. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response act(@PathParam("queue") String queue, @PathParam("action") String action) {
        Operations.requireConfigured(config, queue);
        boolean paused = action.equals("pause");
        Operations.control(control, store, queue, c -> c.setPaused(queue, paused));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("queue", queue);
        answer.put("paused", paused);
        return Operations.json(200, answer);
    }
}
