package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.BrokerConnections;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness is the sum of checks each owned by what it judges: the broker connection (messaging), the publisher
 * (blocked or not) and the consumers (worker). Cutting the broker connection makes readiness DOWN, naming the
 * reason, and reconnection makes it UP again. Closing a connection needs {@code rabbitmqctl} on the broker's host.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
class HealthIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    WebTarget target;

    @Test
    void readinessListsEachConcernsCheck() throws IOException {
        await("ready").atMost(DEADLINE).until(() -> readiness().status() == 200);
        JsonNode body = readiness().body();
        for (String check : new String[] {"levee-broker", "levee-publisher", "levee-consumers"}) {
            assertThat(check, check(body, check).path("status").asText(), is("UP"));
        }
    }

    @Test
    void aCutBrokerConnectionMakesReadinessDownWithTheReasonAndUpAfterReconnecting() throws IOException {
        assumeTrue(BrokerConnections.controllable(), "needs rabbitmqctl for the local broker");
        await("ready").atMost(DEADLINE).until(() -> readiness().status() == 200);

        // Reconnection is refused until the test has seen readiness DOWN, however quickly Levee retries.
        BrokerConnections.allowConnections(false);
        try {
            // At least this container's; a replica another test started in the same virtual host may still be there.
            assertThat(
                    "connections closed",
                    BrokerConnections.close("levee-admin", "cut by HealthIT"),
                    greaterThanOrEqualTo(1));

            AtomicReference<Readiness> down = new AtomicReference<>();
            await("readiness down").atMost(DEADLINE).until(() -> {
                Readiness r = readiness();
                down.set(r);
                return r.status() == 503;
            });
            JsonNode broker = check(down.get().body(), "levee-broker");
            assertThat(broker.path("status").asText(), is("DOWN"));
            assertThat(broker.path("data").path("reason").asText(), containsString("cut by HealthIT"));
        } finally {
            BrokerConnections.allowConnections(true);
        }

        await("ready again after reconnecting")
                .atMost(DEADLINE)
                .until(() -> readiness().status() == 200);
        assertThat(check(readiness().body(), "levee-broker").path("status").asText(), is("UP"));
    }

    private static JsonNode check(JsonNode body, String name) {
        for (JsonNode c : body.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + body);
    }

    private record Readiness(int status, JsonNode body) {}

    private Readiness readiness() throws IOException {
        try (Response r = target.path("/health/ready").request().get()) {
            return new Readiness(r.getStatus(), JSON.readTree(r.readEntity(String.class)));
        }
    }
}
