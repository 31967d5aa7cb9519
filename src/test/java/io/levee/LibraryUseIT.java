package io.levee;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.levee.testing.TestBroker;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Levee as a dependency: a small application of its own ({@code src/it/shop}: a JAX-RS resource, a handler, its own
 * configuration and OpenAPI file, no {@code levee.demo.enabled}) is compiled against the built jar and run on the
 * class path a user's service has — the application, {@code levee.jar} and its dependencies, nothing from Levee's
 * tests. It keeps its own endpoints and document, gets Levee's merged in, handles tasks, and has no demo queue.
 */
class LibraryUseIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final Path SHOP = Path.of("src/it/shop");
    static final Path OUT = Path.of("target/it-shop");
    static final String QUEUE = "shop-orders";
    static final Pattern BOUND = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+) bound for socket '@default'");
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Process shop;
    static Path log;
    static String base;
    static boolean demoQueueExistedBefore;

    @BeforeAll
    static void buildAndStartTheShop() throws Exception {
        Path classes = compileShop();
        demoQueueExistedBefore = consumersOf("demo").isPresent();
        log = OUT.resolve("shop.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        shop = new ProcessBuilder(
                        java,
                        "-cp",
                        String.join(File.pathSeparator, classes.toString(), "target/levee.jar", "target/libs/*"),
                        "-Dlevee.amqp.uri=" + TestBroker.uri(),
                        "-Dserver.port=0",
                        "-Dserver.host=127.0.0.1",
                        "io.helidon.microprofile.cdi.Main")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await("the shop bound its port").atMost(DEADLINE).until(() -> port().isPresent() || !shop.isAlive());
        assertThat("the shop started; its log: " + log, shop.isAlive(), is(true));
        base = "http://127.0.0.1:" + port().orElseThrow();
        await("the shop is ready")
                .atMost(DEADLINE)
                .until(() -> get("/health/ready").statusCode() == 200);
    }

    @AfterAll
    static void stopTheShop() throws InterruptedException {
        if (shop != null) {
            shop.destroy();
            if (!shop.waitFor(30, TimeUnit.SECONDS)) {
                shop.destroyForcibly();
            }
        }
    }

    @Test
    void theApplicationsOwnResourceAnswersAsItWrote() {
        HttpResponse<String> hello = get("/shop/hello");
        assertThat(hello.statusCode(), is(200));
        assertThat(hello.body(), is("hello from the shop"));

        HttpResponse<String> refused = get("/shop/items/tea42");
        assertThat(refused.statusCode(), is(400));
        assertThat(
                "the application's own errors are not turned into Levee's problem documents",
                refused.headers().firstValue("Content-Type").orElse(""),
                not(startsWith("application/problem+json")));
    }

    @Test
    void theOpenApiDocumentIsTheApplicationsWithLeveesMergedIn() {
        HttpResponse<String> served = get("/openapi");
        assertThat(served.statusCode(), is(200));
        OpenAPI doc = new OpenAPIV3Parser().readContents(served.body()).getOpenAPI();

        assertThat("the application's own info", doc.getInfo().getTitle(), is("Shop API"));
        assertThat(
                "the application's static file, its annotated resource, and Levee's contract",
                doc.getPaths().keySet(),
                hasItems("/shop/static", "/shop/hello", "/shop/received", "/v1/queues/{queue}/tasks", "/v1/queues"));
        assertThat(doc.getComponents().getSchemas().keySet(), hasItem("TaskAccepted"));
    }

    @Test
    void itsHandlerReceivesTasksSubmittedThroughLevee() throws IOException {
        HttpResponse<String> accepted = post("/v1/queues/" + QUEUE + "/tasks", "{\"item\":\"tea\",\"quantity\":2}");
        assertThat(accepted.body(), accepted.statusCode(), is(202));
        String id = new ObjectMapper().readTree(accepted.body()).get("id").asText();

        await("the shop's handler received the task")
                .atMost(DEADLINE)
                .until(() -> get("/shop/received").body().lines().toList().contains(id + " 2xtea"));
    }

    @Test
    void noDemoQueueIsDeclaredOrConsumed() throws IOException {
        JsonNode queues = new ObjectMapper().readTree(get("/v1/queues").body()).get("queues");
        List<String> names = new ArrayList<>();
        queues.forEach(q -> names.add(q.get("name").asText()));
        assertThat(names, is(List.of(QUEUE)));

        Optional<Integer> demoConsumers = consumersOf("demo");
        if (demoQueueExistedBefore) {
            assertThat("nobody consumes the demo queue", demoConsumers, is(Optional.of(0)));
        } else {
            assertThat("the shop declared no demo queue", demoConsumers, is(Optional.empty()));
        }
        assertThat("the shop consumes its own queue", consumersOf(QUEUE).orElseThrow(), is(1));
    }

    /**
     * Compiles the shop against the built jar and its dependencies. It has no Jandex index (Helidon's application
     * parent would build one; examples/orders-service has one): its annotated endpoints still reach /openapi.
     */
    private static Path compileShop() throws IOException {
        Path classes = OUT.resolve("classes");
        try (Stream<Path> old = Files.exists(OUT) ? Files.walk(OUT) : Stream.empty()) {
            old.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        Files.createDirectories(classes);
        List<String> sources;
        try (Stream<Path> s = Files.walk(SHOP.resolve("java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java"))
                    .map(Path::toString)
                    .toList();
        }
        List<String> classPath = new ArrayList<>(List.of("target/levee.jar"));
        try (Stream<Path> libs = Files.list(Path.of("target/libs"))) {
            libs.map(Path::toString).forEach(classPath::add);
        }
        List<String> args = new ArrayList<>(List.of(
                "--release",
                "25",
                "-proc:none",
                "-parameters",
                "-d",
                classes.toString(),
                "-cp",
                String.join(File.pathSeparator, classPath)));
        args.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat("the shop compiles against levee.jar: " + errors.toString(StandardCharsets.UTF_8), rc, is(0));
        try (Stream<Path> resources = Files.walk(SHOP.resolve("resources"))) {
            for (Path r : resources.filter(Files::isRegularFile).toList()) {
                Path target =
                        classes.resolve(SHOP.resolve("resources").relativize(r).toString());
                Files.createDirectories(target.getParent());
                Files.copy(r, target);
            }
        }
        return classes;
    }

    private static Optional<Integer> port() {
        try {
            Matcher m = BOUND.matcher(Files.readString(log));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Consumers of a queue on the test broker, or empty when the queue does not exist. */
    private static Optional<Integer> consumersOf(String queue) {
        try (Connection c = TestBroker.connect()) {
            Channel ch = c.createChannel(); // closed by the broker when the queue does not exist
            return Optional.of(ch.queueDeclarePassive(queue).getConsumerCount());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).build());
    }

    private static HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
