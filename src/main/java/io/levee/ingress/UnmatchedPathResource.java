package io.levee.ingress;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/**
 * Any other path under {@code /v1} (for example a queue name holding {@code /}) is a problem+json 404. Paths outside
 * {@code /v1} stay empty 404s for JAX-RS so that Helidon routes them on to /health, /metrics and /openapi.
 */
@ApplicationScoped
@Path("/v1/{path: .*}")
public class UnmatchedPathResource {

    private static ProblemException notFound(String path) {
        return new ProblemException(ProblemType.NOT_FOUND, "no resource at /v1/" + path);
    }

    /** Refuses a GET. */
    @GET
    public void get(@PathParam("path") String path) {
        throw notFound(path);
    }

    /** Refuses a POST. */
    @POST
    public void post(@PathParam("path") String path) {
        throw notFound(path);
    }

    /** Refuses a PUT. */
    @PUT
    public void put(@PathParam("path") String path) {
        throw notFound(path);
    }

    /** Refuses a DELETE. */
    @DELETE
    public void delete(@PathParam("path") String path) {
        throw notFound(path);
    }

    /** Refuses a PATCH. */
    @PATCH
    public void patch(@PathParam("path") String path) {
        throw notFound(path);
    }

    /** Refuses a HEAD. */
    @HEAD
    public void head(@PathParam("path") String path) {
        throw notFound(path);
    }
}
