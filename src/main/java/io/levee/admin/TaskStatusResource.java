package io.levee.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/queues/{queue}/tasks/{id}}, the {@code Location} of every 202: the task's state, attempts, times,
 * last error and result, with an {@code ETag} (a matching {@code If-None-Match} answers 304) and, while the task is
 * not finished, a {@code Retry-After} suggesting when to look again.
 */
@ApplicationScoped
@PartOf(Part.API)
@Path("/v1/queues/{queue}/tasks/{id}")
public class TaskStatusResource {

    private final LeveeConfig config;
    private final TaskStatusRecorder statuses;

    @Inject
    TaskStatusResource(LeveeConfig config, TaskStatusRecorder statuses) {
        this.config = config;
        this.statuses = statuses;
    }

    /** The task's status, or 404 when it is unknown, expired, or the queue does not track status. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(
            @PathParam("queue") String queue,
            @PathParam("id") String id,
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        Operations.requireConfigured(config, queue);
        if (!statuses.tracks(queue)) {
            throw new OperationProblem(
                    OperationProblem.Kind.TASK_NOT_FOUND,
                    "queue '" + queue + "' does not track task status (levee.queues." + queue + ".status=false)");
        }
        Map<String, String> f = statuses.status(queue, id)
                .orElseThrow(() -> new OperationProblem(
                        OperationProblem.Kind.TASK_NOT_FOUND,
                        "no task '" + id + "' in queue '" + queue + "', or its status expired"));
        byte[] body = body(queue, id, f);
        String etag = "\"" + digest(body) + "\"";
        String state = f.get("state");
        boolean finished = TaskStatusRecorder.SUCCEEDED.equals(state) || TaskStatusRecorder.DEAD.equals(state);
        Response.ResponseBuilder r =
                etag.equals(ifNoneMatch) ? Response.notModified() : Response.ok(body, MediaType.APPLICATION_JSON);
        r.header("ETag", etag).header("Cache-Control", "no-cache");
        if (!finished) {
            r.header("Retry-After", TaskStatusRecorder.PROCESSING.equals(state) ? 1 : 2);
        }
        return r.build();
    }

    private static byte[] body(String queue, String id, Map<String, String> f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("queue", queue);
        m.put("state", f.get("state"));
        m.put("attempts", Integer.parseInt(f.getOrDefault("attempts", "0")));
        time(m, "acceptedAt", f.get("acceptedAt"));
        time(m, "startedAt", f.get("startedAt"));
        time(m, "updatedAt", f.get("updatedAt"));
        time(m, "finishedAt", f.get("finishedAt"));
        if (f.containsKey("errorClass")) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("class", f.get("errorClass"));
            error.put("message", f.get("errorMessage"));
            m.put("lastError", error);
        }
        try {
            if (f.containsKey("result")) {
                m.put("result", Operations.JSON.readTree(f.get("result")));
            }
            if (f.containsKey("resultOmitted")) {
                m.put("resultOmitted", f.get("resultOmitted"));
            }
            return Operations.JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a task status", e);
        }
    }

    private static void time(Map<String, Object> m, String name, String epochMs) {
        if (epochMs != null) {
            m.put(name, Instant.ofEpochMilli(Long.parseLong(epochMs)).toString());
        }
    }

    private static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
