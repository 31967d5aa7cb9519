package io.levee.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Where each delivered queue takes its permits ({@code local}, {@code shared}, {@code fallback}). Always up: a
 * shared budget that Redis cannot serve falls back to this replica's share, and delivery goes on; the check says so
 * rather than taking the replica out of service.
 */
@Readiness
@ApplicationScoped
public class DeliveryBudgetHealth implements HealthCheck {

    private final DeliveryPaces paces;

    @Inject
    DeliveryBudgetHealth(DeliveryPaces paces) {
        this.paces = paces;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("levee-delivery-budget").up();
        paces.states().forEach((queue, state) -> response.withData(queue, state.budget()));
        return response.build();
    }
}
