package io.levee.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A RabbitMQ node of the test's own, for faults that restart the broker: started from the local
 * {@code rabbitmq-server} with its own node name, ports and directories (never the shared broker), stopped and
 * removed after the class. Register it before {@code @HelidonTest}: it points {@code levee.test.amqp.uri} at the node.
 * Skipped where {@code rabbitmq-server} is not installed. Ports: {@code LEVEE_TEST_OWN_BROKER_PORT} (default 18572)
 * and the next one for distribution.
 */
public final class OwnBroker implements BeforeAllCallback, AfterAllCallback {

    private static final String RABBITMQ_SERVER = "/usr/sbin/rabbitmq-server";
    private static final int PORT =
            Integer.parseInt(System.getenv().getOrDefault("LEVEE_TEST_OWN_BROKER_PORT", "18572"));
    private static final String NODE = "levee-it-" + PORT + "@localhost";

    private static Path dir;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(RABBITMQ_SERVER)), "rabbitmq-server is not installed");
        dir = Files.createTempDirectory("levee-own-broker-");
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(dir.resolve("plugins"), "[].");
        run(List.of("chown", "-R", "rabbitmq:rabbitmq", dir.toString()), Duration.ofSeconds(10));
        start();
        System.setProperty("levee.test.amqp.uri", uri());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir != null) {
            run(List.of("rabbitmqctl", "-n", NODE, "stop"), Duration.ofSeconds(60));
            run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
            dir = null;
        }
    }

    /** The node's URI. */
    public static String uri() {
        return "amqp://guest:guest@127.0.0.1:" + PORT;
    }

    /** A plain connection to the node; close it. */
    public static Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri());
        return f.newConnection("levee-test");
    }

    /** Stops the whole node (the Erlang VM) and starts it again on the same data: a broker restart. */
    public static void restart() throws Exception {
        run(List.of("rabbitmqctl", "-n", NODE, "stop"), Duration.ofSeconds(60));
        start();
    }

    private static void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(RABBITMQ_SERVER, "-detached");
        Map<String, String> env = pb.environment();
        env.put("RABBITMQ_NODENAME", NODE);
        env.put("RABBITMQ_NODE_PORT", Integer.toString(PORT));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(PORT + 1));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("plugins").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("none").toString());
        exec(pb, Duration.ofSeconds(30));
        run(List.of("rabbitmqctl", "-n", NODE, "await_startup", "--timeout", "90"), Duration.ofSeconds(100));
    }

    private static void run(List<String> command, Duration timeout) throws Exception {
        exec(new ProcessBuilder(command), timeout);
    }

    private static void exec(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(pb.command() + " did not finish within " + timeout);
        }
    }
}
