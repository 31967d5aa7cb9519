package io.levee.worker.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while every handler's consumers run (always, on a replica that does not consume); the queues whose
 * consumers are starting or reconnecting when not.
 */
@Readiness
@ApplicationScoped
public class ConsumerHealth implements HealthCheck {

    private final WorkerLifecycle worker;

    @Inject
    ConsumerHealth(WorkerLifecycle worker) {
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("levee-consumers");
        List<String> down = worker.down();
        if (down.isEmpty()) {
            return response.up().build();
        }
        return response.down()
                .withData("reason", "consumers not running for " + String.join(", ", down))
                .build();
    }
}
