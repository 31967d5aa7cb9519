package io.levee.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through chromedriver's W3C WebDriver
 * endpoint, watches a burst. Read from the page's DOM, the queue's depth rises above zero while a gated handler
 * holds the tasks and falls back to zero once they drain; screenshots of both go to {@code target/}.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(DashboardBrowserIT.Gated.class)
@AddConfig(key = "levee.queues.it-dashboard.concurrency", value = "1")
@AddConfig(key = "levee.queues.it-dashboard.prefetch", value = "1")
class DashboardBrowserIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final String QUEUE = "it-dashboard";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    WebTarget target;

    @Test
    void theDepthOfABurstRisesAboveZeroAndFallsBackToZeroOnThePage() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/chromium"))
                        && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        await("Levee ready").atMost(DEADLINE).until(() -> status("/health/ready") == 200);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process driver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "chromedriver.log").toFile())
                .start();
        String webDriver = "http://127.0.0.1:" + port;
        try {
            await("chromedriver ready").atMost(DEADLINE).ignoreExceptions().until(() -> call(
                            "GET", webDriver + "/status", null)
                    .path("value")
                    .path("ready")
                    .asBoolean());
            String session = call(
                            "POST",
                            webDriver + "/session",
                            Map.of(
                                    "capabilities",
                                    Map.of(
                                            "alwaysMatch",
                                            Map.of(
                                                    "browserName",
                                                    "chrome",
                                                    "goog:chromeOptions",
                                                    Map.of(
                                                            "binary",
                                                            "/usr/bin/chromium",
                                                            "args",
                                                            List.of(
                                                                    "--headless=new",
                                                                    "--no-sandbox",
                                                                    "--disable-gpu",
                                                                    "--disable-dev-shm-usage",
                                                                    "--window-size=1400,1000"))))))
                    .path("value")
                    .path("sessionId")
                    .asText();
            String base = webDriver + "/session/" + session;
            try {
                call(
                        "POST",
                        base + "/url",
                        Map.of("url", target.getUri().resolve("/dashboard/").toString()));
                await("the page lists the queue").atMost(DEADLINE).until(() -> depthOnPage(base) != null);

                for (int i = 0; i < 30; i++) {
                    assertThat(submit("{\"n\":" + i + "}"), is(202));
                }
                await("depth above zero on the page")
                        .atMost(DEADLINE)
                        .until(() -> depthOnPage(base) != null && depthOnPage(base) > 0);
                assertThat(depthOnPage(base), greaterThan(0L));
                screenshot(base, Path.of("target", "dashboard-burst.png"));

                Gated.open.countDown();
                await("depth back to zero on the page").atMost(DEADLINE).until(() -> Long.valueOf(0)
                        .equals(depthOnPage(base)));
                screenshot(base, Path.of("target", "dashboard-drained.png"));
            } finally {
                call("DELETE", base, null);
            }
        } finally {
            Gated.open.countDown();
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        }
    }

    /** The depth cell's raw value for the queue, as the page shows it now; null before its row exists. */
    private static Long depthOnPage(String base) throws IOException, InterruptedException {
        JsonNode value = call(
                        "POST",
                        base + "/execute/sync",
                        Map.of(
                                "script",
                                "const td = document.querySelector('tr[data-queue=\"" + QUEUE
                                        + "\"] td[data-field=\"depth\"]'); return td ? td.dataset.value : null;",
                                "args",
                                List.of()))
                .path("value");
        return value.isNull() || value.isMissingNode() ? null : Long.valueOf(value.asText());
    }

    private static void screenshot(String base, Path file) throws IOException, InterruptedException {
        String png = call("GET", base + "/screenshot", null).path("value").asText();
        Files.write(file, Base64.getDecoder().decode(png));
        assertThat(file + " written", Files.size(file), greaterThan(1_000L));
    }

    private static JsonNode call(String method, String url, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private int submit(String body) {
        try (Response r =
                target.path("/v1/queues/" + QUEUE + "/tasks").request().post(Entity.entity(body, "application/json"))) {
            return r.getStatus();
        }
    }

    private int status(String path) {
        try (Response r = target.path(path).request().get()) {
            return r.getStatus();
        }
    }

    /** Holds every task until the test opens the gate, so that the burst stays in the queue while the page looks. */
    @ApplicationScoped
    public static class Gated {
        static final CountDownLatch open = new CountDownLatch(1);

        @TaskHandler(QUEUE)
        public void handle(TaskContext task) throws InterruptedException {
            if (!open.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        }
    }
}
