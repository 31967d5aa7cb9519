import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds Levee's JDK AOT cache ({@code target/levee.aot}) from a training run, as part of {@code mvn package}: it
 * starts {@code target/levee.jar} with {@code -XX:AOTCacheOutput}, submits tasks (single, batch, refused) to a
 * training queue that the demo handler consumes, waits until they are handled, stops Levee with SIGTERM (the JVM
 * writes the cache as it exits) and deletes the training queue. Classes loaded and linked, and the profiles of the
 * code that ran, are then ready at the next start ({@code java -XX:AOTCache=target/levee.aot -jar target/levee.jar},
 * as {@code ./levee run} does).
 *
 * <p>Without a broker at {@code LEVEE_AMQP_URI} (default {@code amqp://guest:guest@127.0.0.1:5672}) it builds no cache
 * and says so; Levee starts without one, only slower. {@code -Dlevee.aot.skip=true} skips it.
 *
 * <pre>java -cp 'target/libs/*' scripts/AotTraining.java</pre>
 */
public final class AotTraining {

    private static final Duration START_DEADLINE = Duration.ofMinutes(3);
    private static final Duration EXIT_DEADLINE = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        Path target = Path.of("target");
        Path cache = target.resolve("levee.aot");
        Files.deleteIfExists(cache);
        String uri = System.getenv().getOrDefault("LEVEE_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
        ConnectionFactory amqp = new ConnectionFactory();
        amqp.setUri(uri);
        amqp.setConnectionTimeout(3_000);
        Connection broker;
        try {
            broker = amqp.newConnection("levee-aot-training");
        } catch (Exception e) {
            System.out.println("aot: no broker answers at " + amqp.getHost() + ":" + amqp.getPort() + " (" + e
                    + "); target/levee.aot not built, Levee starts without it");
            return;
        }
        String queue = "levee-aot-training-" + ProcessHandle.current().pid();
        int port = Integer.parseInt(System.getenv().getOrDefault("LEVEE_AOT_PORT", "18199"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(
                java,
                // trained with the JVM defaults it runs with (heap size, GC)
                "@scripts/jvm.options",
                "-XX:AOTCacheOutput=" + cache,
                "--sun-misc-unsafe-memory-access=allow",
                "-Dserver.port=" + port,
                "-Dserver.host=127.0.0.1",
                "-Dlevee.auth.enabled=false",
                "-Dlevee.amqp.uri=" + uri,
                "-Dlevee.demo.enabled=true",
                "-Dlevee.demo.queue=" + queue,
                "-Dlevee.demo.log-per-second=1",
                "-Dlevee.queues." + queue + ".max-length=10000",
                "-Dlevee.queues." + queue + ".retry-delays=",
                "-jar",
                target.resolve("levee.jar").toString());
        File log = target.resolve("aot-training.log").toFile();
        System.out.println("aot: training run, log in " + log);
        Process levee = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        try (broker) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            await("Levee ready", START_DEADLINE, levee, () -> status(http, base + "/health/ready") == 200);
            int tasks = 0;
            for (int i = 0; i < 200; i++) {
                expect(202, post(http, base + "/v1/queues/" + queue + "/tasks", "{\"training\":" + i + "}"));
                tasks++;
            }
            for (int i = 0; i < 10; i++) {
                expect(202, post(http, base + "/v1/queues/" + queue + "/tasks/batch", "[{\"a\":1},{\"b\":2}]"));
                tasks += 2;
            }
            expect(400, post(http, base + "/v1/queues/" + queue + "/tasks", "{not json"));
            expect(404, post(http, base + "/v1/queues/no-such-queue/tasks", "{}"));
            status(http, base + "/v1/queues");
            System.out.println("aot: " + tasks + " tasks submitted");
            try (Channel ch = broker.createChannel()) {
                await("training tasks handled", START_DEADLINE, levee, () -> {
                    var ok = ch.queueDeclarePassive(queue);
                    return ok.getMessageCount() == 0;
                });
            }
        } finally {
            levee.destroy();
            if (!levee.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                levee.destroyForcibly();
            }
            try (Connection c = amqp.newConnection("levee-aot-training-cleanup");
                    Channel ch = c.createChannel()) {
                ch.queueDelete(queue);
                ch.queueDelete(queue + ".dlq");
            }
        }
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no " + cache + "; see " + log);
        }
        System.out.printf("aot: %s written (%,d bytes)%n", cache, Files.size(cache));
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration deadline, Process levee, Condition condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            if (!levee.isAlive()) {
                throw new IllegalStateException("Levee exited during the AOT training run: " + what);
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("AOT training: " + what + " not reached within " + deadline);
            }
            Thread.sleep(100);
        }
    }

    private static int status(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int post(HttpClient http, String url, String json) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void expect(int expected, int actual) {
        if (actual != expected) {
            throw new IllegalStateException("AOT training: expected HTTP " + expected + ", got " + actual);
        }
    }

    private AotTraining() {}
}
