package io.levee.ingress;

import io.levee.client.ApiClient;
import io.levee.client.api.QueuesApi;
import io.levee.client.api.TasksApi;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The generated client and a raw HTTP client, both pointed at the Levee under test. */
final class IngestClients {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private IngestClients() {}

    /** Waits until the service is ready (connected, topology declared): before that it answers tasks with 503. */
    static void awaitReady(WebTarget target) {
        org.awaitility.Awaitility.await("Levee ready")
                .atMost(Duration.ofSeconds(30))
                .until(() -> send(HttpRequest.newBuilder(URI.create(base(target) + "/health/ready"))
                                        .build())
                                .statusCode()
                        == 200);
    }

    static String base(WebTarget target) {
        URI uri = target.getUri();
        return "http://127.0.0.1:" + uri.getPort();
    }

    static ApiClient client(WebTarget target) {
        ApiClient c = new ApiClient();
        c.updateBaseUri(base(target));
        c.setReadTimeout(Duration.ofSeconds(30));
        return c;
    }

    static TasksApi tasks(WebTarget target) {
        return new TasksApi(client(target));
    }

    static QueuesApi queues(WebTarget target) {
        return new QueuesApi(client(target));
    }

    /** Sends a request as given, without any client-side normalisation of path or headers. */
    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
