package io.levee.ingress;

import static io.levee.ingress.ContractChecks.assertConforms;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.atlassian.oai.validator.model.Request.Method;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * openapi.yaml is the contract: the service serves it at /openapi, and its real responses, one per status code the
 * contract lists, validate against it. (503 on the task operations: {@link ContractUnavailableIT}.)
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-contract.max-length", value = "10000")
@AddConfig(key = "levee.queues.it-contract-orders.schema", value = "schemas/order.json")
@AddConfig(key = "levee.queues.it-contract-tiny.max-length", value = "1")
@AddConfig(key = "levee.queues.it-contract-ceiling.ingest.max-rate", value = "1")
@AddConfig(key = "levee.queues.it-contract-gone.max-length", value = "10")
@AddConfig(key = "levee.ingest.batch-max-items", value = "20")
class ContractIT {

    static final String TASKS = "/v1/queues/{queue}/tasks";
    static final String BATCH = "/v1/queues/{queue}/tasks/batch";

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        IngestClients.awaitReady(target);
    }

    @Inject
    IdempotencyStore idempotency;

    @Test
    void theServedDocumentIsTheFile() throws Exception {
        HttpResponse<String> served = get("/openapi");
        assertThat(served.statusCode(), is(200));
        OpenAPI file = new OpenAPIV3Parser()
                .readContents(Files.readString(Path.of("openapi.yaml")))
                .getOpenAPI();
        OpenAPI online = new OpenAPIV3Parser().readContents(served.body()).getOpenAPI();

        assertThat(outline(online), is(outline(file)));
        assertThat(
                "the per-queue task schemas are linked from the served document",
                online.getExtensions().get(TaskSchemaLinks.EXTENSION),
                is(Map.of("it-contract-orders", "/v1/queues/it-contract-orders/schema")));
    }

    /** Paths with their operations, parameters and response codes, and every schema with its properties. */
    private static Map<String, Object> outline(OpenAPI api) {
        Map<String, Object> o = new TreeMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            o.put(
                    method + " " + path,
                    op.getOperationId() + " " + new TreeSet<>(op.getResponses().keySet()));
            if (op.getParameters() != null) {
                op.getParameters()
                        .forEach(p -> o.put(
                                method + " " + path + " param " + p.get$ref() + p.getName(),
                                String.valueOf(p.getRequired())));
            }
        }));
        for (Map.Entry<String, Schema> s : api.getComponents().getSchemas().entrySet()) {
            Map<String, Schema> props = s.getValue().getProperties();
            o.put(
                    "schema " + s.getKey(),
                    (props == null ? "" : new TreeSet<>(props.keySet()).toString()) + " required "
                            + s.getValue().getRequired() + " type "
                            + s.getValue().getType());
        }
        return o;
    }

    @Test
    void submitTaskAnswersAsTheContractSays() throws Exception {
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract/tasks", "{\"a\":1}", Map.of()), 202);
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract/tasks", "{\"a\":", Map.of()), 400);
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract-nope/tasks", "{}", Map.of()), 404);
        String body = "{\"pending\":true}";
        idempotency.reserve("it-contract", "contract-409", sha256(body));
        assertConforms(
                Method.POST,
                TASKS,
                post("/v1/queues/it-contract/tasks", body, Map.of("Idempotency-Key", "contract-409")),
                409);
        assertConforms(
                Method.POST,
                TASKS,
                post("/v1/queues/it-contract/tasks", "\"" + "x".repeat(300_000) + "\"", Map.of()),
                413);
        assertConforms(
                Method.POST,
                TASKS,
                send(HttpRequest.newBuilder(uri("/v1/queues/it-contract/tasks"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build()),
                415);
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract-orders/tasks", "{}", Map.of()), 422);
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract-ceiling/tasks", "1", Map.of()), 202);
        assertConforms(Method.POST, TASKS, post("/v1/queues/it-contract-ceiling/tasks", "2", Map.of()), 429);
    }

    @Test
    void submitBatchAnswersAsTheContractSays() {
        assertConforms(Method.POST, BATCH, post("/v1/queues/it-contract/tasks/batch", "[1,2]", Map.of()), 202);
        assertConforms(
                Method.POST,
                BATCH,
                post("/v1/queues/it-contract-tiny/tasks/batch", "[" + "1,".repeat(19) + "1]", Map.of()),
                200);
        assertConforms(Method.POST, BATCH, post("/v1/queues/it-contract/tasks/batch", "[1,", Map.of()), 400);
        assertConforms(Method.POST, BATCH, post("/v1/queues/it-contract-nope/tasks/batch", "[1]", Map.of()), 404);
        assertConforms(
                Method.POST,
                BATCH,
                post("/v1/queues/it-contract/tasks/batch", "[\"" + "x".repeat(4_500_000) + "\"]", Map.of()),
                413);
        assertConforms(
                Method.POST,
                BATCH,
                send(HttpRequest.newBuilder(uri("/v1/queues/it-contract/tasks/batch"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString("1,2"))
                        .build()),
                415);
        assertConforms(Method.POST, BATCH, post("/v1/queues/it-contract-orders/tasks/batch", "[{}]", Map.of()), 422);
        assertConforms(
                Method.POST, BATCH, post("/v1/queues/it-contract-ceiling/tasks/batch", "[1,2,3]", Map.of()), 429);
    }

    @Test
    void queueReadsAnswerAsTheContractSays() throws Exception {
        assertConforms(Method.GET, "/v1/queues", get("/v1/queues"), 200);
        assertConforms(Method.GET, "/v1/queues/{queue}", get("/v1/queues/it-contract"), 200);
        assertConforms(Method.GET, "/v1/queues/{queue}", get("/v1/queues/a%20b"), 400);
        assertConforms(Method.GET, "/v1/queues/{queue}", get("/v1/queues/it-contract-nope"), 404);
        assertConforms(Method.GET, "/v1/queues/{queue}/schema", get("/v1/queues/it-contract-orders/schema"), 200);
        assertConforms(Method.GET, "/v1/queues/{queue}/schema", get("/v1/queues/a%20b/schema"), 400);
        assertConforms(Method.GET, "/v1/queues/{queue}/schema", get("/v1/queues/it-contract/schema"), 404);

        // A queue that vanished from the broker: Levee cannot say what it holds.
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queueDelete("it-contract-gone.dlq");
        }
        assertConforms(Method.GET, "/v1/queues/{queue}", get("/v1/queues/it-contract-gone"), 503);
        assertConforms(Method.GET, "/v1/queues", get("/v1/queues"), 503);
    }

    @Test
    void operationsAnswerAsTheContractSays() {
        String dl = "/v1/queues/{queue}/dead-letters";
        assertConforms(Method.GET, dl, get("/v1/queues/it-contract/dead-letters?limit=5"), 200);
        assertConforms(Method.GET, dl, get("/v1/queues/it-contract/dead-letters?limit=0"), 400);
        assertConforms(Method.GET, dl, get("/v1/queues/it-contract-nope/dead-letters"), 404);
        assertConforms(Method.DELETE, dl, send(delete("/v1/queues/it-contract/dead-letters")), 400);
        assertConforms(Method.DELETE, dl, send(delete("/v1/queues/it-contract/dead-letters?confirm=it-contract")), 200);
        String replay = dl + "/replay";
        assertConforms(
                Method.POST,
                replay,
                post("/v1/queues/it-contract/dead-letters/replay", "{\"ids\":[\"x\"]}", Map.of()),
                200);
        assertConforms(Method.POST, replay, post("/v1/queues/it-contract/dead-letters/replay", "{}", Map.of()), 400);
        assertConforms(Method.GET, "/v1/unroutable", get("/v1/unroutable?limit=1"), 200);
        assertConforms(
                Method.POST, "/v1/unroutable/replay", post("/v1/unroutable/replay", "{\"limit\":0}", Map.of()), 400);

        assertConforms(
                Method.POST, "/v1/queues/{queue}/pause", post("/v1/queues/it-contract/pause", "", Map.of()), 200);
        assertConforms(
                Method.POST, "/v1/queues/{queue}/resume", post("/v1/queues/it-contract/resume", "", Map.of()), 200);
        assertConforms(
                Method.POST, "/v1/queues/{queue}/pause", post("/v1/queues/it-contract-nope/pause", "", Map.of()), 404);

        String limits = "/v1/queues/{queue}/limits";
        assertConforms(Method.GET, limits, get("/v1/queues/it-contract/limits"), 200);
        assertConforms(Method.PUT, limits, send(put("/v1/queues/it-contract/limits", "{\"ingestMaxRate\":null}")), 200);
        assertConforms(Method.PUT, limits, send(put("/v1/queues/it-contract/limits", "{\"ingestMaxRate\":-1}")), 400);

        String status = "/v1/queues/{queue}/tasks/{id}";
        HttpResponse<String> accepted = post("/v1/queues/it-contract/tasks", "{\"a\":1}", Map.of());
        String location = accepted.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> first = get(location);
        assertConforms(Method.GET, status, first, 200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> same = send(HttpRequest.newBuilder(uri(location))
                .header("If-None-Match", etag)
                .GET()
                .build());
        // No handler consumes it-contract: the task stays accepted, its status unchanged.
        assertConforms(Method.GET, status, same, 304);
        assertConforms(Method.GET, status, get("/v1/queues/it-contract/tasks/no-such-task"), 404);
    }

    private HttpRequest delete(String path) {
        return HttpRequest.newBuilder(uri(path)).DELETE().build();
    }

    private HttpRequest put(String path, String json) {
        return HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private URI uri(String path) {
        return URI.create(IngestClients.base(target) + path);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private HttpResponse<String> post(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpRequest r) {
        return IngestClients.send(r);
    }

    private static String sha256(String body) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
