package io.levee.ingress;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of a request to Levee's API ({@code /v1/...}) into {@code application/problem+json}: Levee's own
 * exceptions with their type, JAX-RS errors (405, 415, ...) with theirs, anything else as a 500 that leaks no
 * internals. Failures of an application's own resources keep the answer JAX-RS gives them. Broker failures become
 * {@link ProblemException}s where they happen ({@link Admission} for publishing, {@link QueueResource} for reads),
 * so that their Retry-After is computed in one place.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(Throwable error) {
        String instance = uriInfo == null ? null : "/" + uriInfo.getPath();
        if (!(error instanceof ProblemException) && (instance == null || !instance.startsWith("/v1/"))) {
            return notLevees(error, instance);
        }
        return switch (error) {
            case ProblemException p ->
                Problems.response(p.type(), p.getMessage(), instance, p.retryAfterSeconds(), p.extensions());
            // Under /v1 an unmatched path is Levee's own 404; elsewhere (above) it stays an empty 404 so that
            // Helidon routes it on to /health, /metrics and /openapi.
            case NotFoundException n ->
                Problems.response(ProblemType.NOT_FOUND, "no resource at " + instance, instance, null);
            case WebApplicationException w -> fromStatus(w, instance);
            default -> {
                LOG.log(Level.SEVERE, "unexpected error on " + instance, error);
                yield Problems.response(ProblemType.INTERNAL, "unexpected error; see the server log", instance, null);
            }
        };
    }

    /**
     * A failure of an application's own resource (Levee is a dependency of that application): answered as JAX-RS
     * answers it without this mapper, so the application's errors keep its own format.
     */
    private static Response notLevees(Throwable error, String instance) {
        if (error instanceof WebApplicationException w) {
            return w.getResponse();
        }
        LOG.log(Level.SEVERE, "unexpected error on " + instance, error);
        return Response.serverError().build();
    }

    private static Response fromStatus(WebApplicationException w, String instance) {
        int status = w.getResponse().getStatus();
        ProblemType type =
                switch (status) {
                    case 405 -> ProblemType.METHOD_NOT_ALLOWED;
                    case 406 -> ProblemType.NOT_ACCEPTABLE;
                    case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
                    case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
                    default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.INVALID_REQUEST;
                };
        Response r = Problems.response(type, w.getMessage(), instance, null);
        return status == type.status()
                ? r
                : Response.fromResponse(r).status(status).build();
    }
}
