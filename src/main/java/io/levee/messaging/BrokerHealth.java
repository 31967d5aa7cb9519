package io.levee.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the broker connection is open and the topology declared; the reason when not. */
@Readiness
@ApplicationScoped
public class BrokerHealth implements HealthCheck {

    private final Broker broker;

    @Inject
    BrokerHealth(Broker broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("levee-broker");
        broker.downReason().ifPresentOrElse(reason -> response.down().withData("reason", reason), response::up);
        return response.build();
    }
}
