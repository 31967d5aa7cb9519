package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.levee.testing.TestConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqps://} against a real RabbitMQ: a node of its own, started here with only a TLS listener that
 * requires a client certificate, all certificates from a CA made at test time (openssl). Levee's broker connection
 * reaches it with the CA and its client certificate, and a task makes the round trip; a host name the broker's
 * certificate does not name, or no client certificate, is refused.
 */
class RabbitTlsIT {

    private static final String PASSWORD = "tls-client-pw-8830";

    @TempDir
    static Path dir;

    static int port;
    static Process node;
    static Path pidFile;

    @BeforeAll
    static void brokerWithTls() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/rabbitmq-server"))
                        && Files.isExecutable(Path.of("/usr/bin/openssl")),
                "needs rabbitmq-server and openssl on this machine");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=levee-test-ca");
        signed("server", "subjectAltName=DNS:localhost");
        signed("client", "extendedKeyUsage=clientAuth");
        openssl(
                "pkcs12",
                "-export",
                "-in",
                "client.pem",
                "-inkey",
                "client.key",
                "-out",
                "client.p12",
                "-passout",
                "pass:" + PASSWORD);

        port = freePort();
        int distPort = freePort();
        Path conf = dir.resolve("rabbitmq.conf");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "listeners.tcp = none",
                        "listeners.ssl.default = 127.0.0.1:" + port,
                        "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
                        "ssl_options.certfile = " + dir.resolve("server.pem"),
                        "ssl_options.keyfile = " + dir.resolve("server.key"),
                        "ssl_options.verify = verify_peer",
                        "ssl_options.fail_if_no_peer_cert = true",
                        "loopback_users = none",
                        ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        // rabbitmq-server drops to the rabbitmq user when started as root: it must read the files and write its dirs.
        new ProcessBuilder("chmod", "-R", "a+rwX", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        pidFile = dir.resolve("node.pid");
        ProcessBuilder pb = new ProcessBuilder("/usr/sbin/rabbitmq-server")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("node.out").toFile());
        Map<String, String> env = pb.environment();
        env.put("RABBITMQ_NODENAME", "levee-tls-" + ProcessHandle.current().pid() + "@localhost");
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_CONFIG_FILE", conf.toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", pidFile.toString());
        node = pb.start();
        Awaitility.await("the TLS listener")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the node exited; see node.out", () -> !node.isAlive())
                .until(() -> listening(port));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node == null) {
            return;
        }
        if (Files.exists(pidFile)) {
            String pid = Files.readString(pidFile).trim();
            new ProcessBuilder("kill", pid).start().waitFor(10, TimeUnit.SECONDS);
        }
        node.destroy();
        if (!node.waitFor(60, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
        Awaitility.await("the node stopped").atMost(Duration.ofSeconds(60)).until(() -> !listening(port));
    }

    @Test
    void withTheCaAndAClientCertificateATaskMakesTheRoundTrip() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put(BrokerTls.TRUST_STORE, dir.resolve("ca.pem").toString());
        settings.put(BrokerTls.KEY_STORE, dir.resolve("client.p12").toString());
        settings.put(BrokerTls.KEY_STORE_PASSWORD, PASSWORD);
        try (Connection c = connect("localhost", settings);
                Channel ch = c.createChannel()) {
            String queue = ch.queueDeclare("it-tls-" + System.nanoTime(), false, true, true, null)
                    .getQueue();
            ch.confirmSelect();
            ch.basicPublish("", queue, null, "{\"tls\":true}".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(10_000);
            GetResponse got = ch.basicGet(queue, true);
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8), is("{\"tls\":true}"));
        }
    }

    @Test
    void aHostNameTheBrokerCertificateDoesNotNameIsRefused() {
        Map<String, String> settings = new HashMap<>();
        settings.put(BrokerTls.TRUST_STORE, dir.resolve("ca.pem").toString());
        settings.put(BrokerTls.KEY_STORE, dir.resolve("client.p12").toString());
        settings.put(BrokerTls.KEY_STORE_PASSWORD, PASSWORD);
        // The certificate names DNS:localhost only; 127.0.0.1 is the same listener under another name.
        assertThrows(IOException.class, () -> connect("127.0.0.1", settings).close());
    }

    @Test
    void withoutAClientCertificateTheBrokerRefuses() {
        Map<String, String> settings =
                Map.of(BrokerTls.TRUST_STORE, dir.resolve("ca.pem").toString());
        assertThrows(IOException.class, () -> connect("localhost", settings).close());
    }

    private static Connection connect(String host, Map<String, String> settings) throws Exception {
        URI uri = URI.create("amqps://guest:guest@" + host + ":" + port);
        Map<String, String> values = new HashMap<>(settings);
        values.put("levee.amqp.uri", uri.toString());
        SSLContext tls = BrokerTls.context(uri, TestConfig.of(values)).orElseThrow();
        return new Broker(TestConfig.levee(values), null, tls).newConnection("tls-it");
    }

    private static void signed(String name, String extension) throws Exception {
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                name + ".ext");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + ": " + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
