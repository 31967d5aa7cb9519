package io.levee.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@code application/problem+json} responses (RFC 9457). */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {}

    static Response response(ProblemType type, String detail, String instance, Integer retryAfterSeconds) {
        return response(type, detail, instance, retryAfterSeconds, Map.of());
    }

    static Response response(
            ProblemType type,
            String detail,
            String instance,
            Integer retryAfterSeconds,
            Map<String, Object> extensions) {
        Map<String, Object> body = document(type, detail, instance, extensions);
        Response.ResponseBuilder r = Response.status(type.status()).type(MEDIA_TYPE);
        if (retryAfterSeconds != null) {
            r.header("Retry-After", retryAfterSeconds);
        }
        try {
            return r.entity(JSON.writeValueAsBytes(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem document", e);
        }
    }

    /** The problem document as bytes, for responses written outside JAX-RS. */
    static byte[] bytes(ProblemType type, String detail, String instance, Map<String, Object> extensions) {
        try {
            return JSON.writeValueAsBytes(document(type, detail, instance, extensions));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem document", e);
        }
    }

    /** The problem document itself, also embedded in batch results. */
    static Map<String, Object> document(
            ProblemType type, String detail, String instance, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.type().toString());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.putAll(extensions);
        return body;
    }
}
