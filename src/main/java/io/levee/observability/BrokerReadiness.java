package io.levee.observability;

import io.levee.messaging.Broker;
import io.levee.worker.internal.WorkerLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the broker connection is up, the topology declared and (on workers) every consumer running. */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

    private final Broker broker;
    private final WorkerLifecycle worker;

    @Inject
    BrokerReadiness(Broker broker, WorkerLifecycle worker) {
        this.broker = broker;
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        boolean brokerUp = broker.isUp();
        boolean consumersUp = worker.isUp();
        return HealthCheckResponse.named("levee-broker")
                .status(brokerUp && consumersUp)
                .withData("connected", brokerUp)
                .withData("consumers", consumersUp)
                .build();
    }
}
