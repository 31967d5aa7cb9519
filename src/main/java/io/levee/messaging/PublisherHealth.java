package io.levee.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the broker blocks this replica's publishing (a memory or disk alarm): every task would be answered
 * 503 until it clears, so traffic is better sent elsewhere. Always ready on a replica that takes no tasks.
 */
@Readiness
@ApplicationScoped
public class PublisherHealth implements HealthCheck {

    private final Broker broker;
    private final TaskPublisher publisher;

    @Inject
    PublisherHealth(Broker broker, TaskPublisher publisher) {
        this.broker = broker;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("levee-publisher");
        if (!broker.config().role().accepts()) {
            return response.up().withData("role", "worker").build();
        }
        publisher
                .blockedReason()
                .ifPresentOrElse(
                        reason -> response.down().withData("reason", "the broker blocks publishing: " + reason),
                        response::up);
        return response.build();
    }
}
