package io.levee.ingress;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.config.LeveeConfig;
import io.levee.messaging.TaskEnvelope;
import io.levee.messaging.TaskPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /v1/queues/{queue}/tasks}: validate, stamp, publish with confirm, answer 202. */
@ApplicationScoped
@Path("/v1/queues/{queue}/tasks")
public class TaskResource {

    private static final Pattern TRACEPARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private final LeveeConfig config;
    private final TaskPublisher publisher;

    @Inject
    TaskResource(LeveeConfig config, TaskPublisher publisher) {
        this.config = config;
        this.publisher = publisher;
    }

    /** Accepts one task; 202 only after the broker confirmed it. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(@PathParam("queue") String queue,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("X-Request-Id") String requestIdHeader,
                           @HeaderParam("traceparent") String traceparentHeader,
                           @HeaderParam("Idempotency-Key") String idempotencyKey,
                           byte[] body) {
        if (!config.role().accepts()) {
            throw new ProblemException(ProblemType.NOT_ACCEPTING, "this replica runs with levee.role=worker");
        }
        if (config.queue(queue).isEmpty()) {
            throw new ProblemException(ProblemType.UNKNOWN_QUEUE, "no queue named '" + queue + "' is configured");
        }
        requireJsonMediaType(contentType);
        requireJson(body);
        String requestId = requestIdHeader != null && REQUEST_ID.matcher(requestIdHeader).matches()
                ? requestIdHeader : UUID.randomUUID().toString();
        String traceparent = traceparentHeader != null && TRACEPARENT.matcher(traceparentHeader).matches()
                ? traceparentHeader : newTraceparent();
        Instant acceptedAt = Instant.now();
        TaskEnvelope task = new TaskEnvelope(UUID.randomUUID().toString(), queue, acceptedAt.toEpochMilli(), 1,
                requestId, traceparent, idempotencyKey, body);
        publisher.publish(task, config.publish().confirmTimeout().plus(Duration.ofSeconds(1)));

        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("id", task.id());
        accepted.put("queue", queue);
        accepted.put("acceptedAt", acceptedAt.toString());
        accepted.put("requestId", requestId);
        return Response.accepted(writeJson(accepted))
                .type(MediaType.APPLICATION_JSON)
                .header("Location", "/v1/queues/" + queue + "/tasks/" + task.id())
                .header("X-Request-Id", requestId)
                .build();
    }

    private static void requireJsonMediaType(String contentType) {
        if (contentType == null) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        MediaType type;
        try {
            type = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "unparseable Content-Type '" + contentType + "'");
        }
        boolean json = "application".equals(type.getType())
                && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
        if (!json) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json, was '" + contentType + "'");
        }
    }

    private static void requireJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is empty; a task is a JSON value");
        }
        try (JsonParser p = JSON.createParser(body)) {
            JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new ProblemException(ProblemType.INVALID_JSON, "the body holds more than one JSON value");
            }
        } catch (IOException e) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static byte[] writeJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    private static String newTraceparent() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        return "00-%016x%016x-%016x-01".formatted(a.getMostSignificantBits(), a.getLeastSignificantBits(),
                b.getMostSignificantBits());
    }
}
