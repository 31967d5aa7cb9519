package shop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The shop's own JAX-RS resource, beside Levee's. */
@ApplicationScoped
@Path("/shop")
public class ShopResource {

    @Inject
    Orders orders;

    @GET
    @Path("/hello")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(operationId = "shopHello", summary = "The shop greets")
    public String hello() {
        return "hello from the shop";
    }

    @GET
    @Path("/received")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(operationId = "shopReceived", summary = "Tasks the shop's handler received")
    public String received() {
        return String.join("\n", orders.received());
    }

    @GET
    @Path("/items/{item}")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(operationId = "shopItem", summary = "One item; the shop refuses names with digits")
    public String item(@PathParam("item") String item) {
        if (item.chars().anyMatch(Character::isDigit)) {
            throw new BadRequestException("the shop's own refusal");
        }
        return item;
    }
}
