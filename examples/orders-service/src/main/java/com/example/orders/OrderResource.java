package com.example.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The service's own endpoint, beside Levee's: an order as stored, by the task id Levee answered with. */
@ApplicationScoped
@Path("/orders")
public class OrderResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OrderStore store;

    @Inject
    OrderResource(OrderStore store) {
        this.store = store;
    }

    @GET
    @Path("/{taskId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getOrder", summary = "An order as stored, by the id of the task that carried it")
    public String get(@PathParam("taskId") String taskId) throws JsonProcessingException {
        Order order = store.find(taskId).orElseThrow(() -> new NotFoundException("no order from task " + taskId));
        return JSON.writeValueAsString(order);
    }
}
