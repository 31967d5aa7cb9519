package io.levee.ingress;

import static io.levee.ingress.ContractChecks.assertConforms;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.atlassian.oai.validator.model.Request.Method;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The task operations' 503 as the contract describes it, from a replica that does not accept tasks. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.role", value = "worker")
@AddConfig(key = "levee.queues.it-contract-worker.max-length", value = "10")
class ContractUnavailableIT {

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        IngestClients.awaitReady(target);
    }

    @Test
    void aWorkerReplicaAnswers503ToTasks() {
        String base = IngestClients.base(target);
        var one = IngestClients.send(HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-contract-worker/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertConforms(Method.POST, "/v1/queues/{queue}/tasks", one, 503);
        assertThat(one.body(), containsString("urn:levee:problem:not-accepting"));

        var batch = IngestClients.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/queues/it-contract-worker/tasks/batch"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[1]"))
                        .build());
        assertConforms(Method.POST, "/v1/queues/{queue}/tasks/batch", batch, 503);
    }
}
