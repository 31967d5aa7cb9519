package io.levee.ingress;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;

/** Builds {@code application/problem+json} responses (RFC 9457). */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    static Response response(ProblemType type, String detail, String instance, Integer retryAfterSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.type().toString());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
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
}
