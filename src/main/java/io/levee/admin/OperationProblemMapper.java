package io.levee.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers an {@link OperationProblem} as {@code application/problem+json} (RFC 9457). */
@Provider
public class OperationProblemMapper implements ExceptionMapper<OperationProblem> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(OperationProblem problem) {
        OperationProblem.Kind kind = problem.kind();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", kind.type());
        body.put("title", kind.title());
        body.put("status", kind.status());
        body.put("detail", problem.getMessage());
        if (uriInfo != null) {
            body.put("instance", "/" + uriInfo.getPath());
        }
        Response.ResponseBuilder r = Response.status(kind.status()).type("application/problem+json");
        if (kind.status() == 503) {
            r.header("Retry-After", OperationProblem.RETRY_AFTER_UNAVAILABLE);
        }
        try {
            return r.entity(JSON.writeValueAsBytes(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem document", e);
        }
    }
}
