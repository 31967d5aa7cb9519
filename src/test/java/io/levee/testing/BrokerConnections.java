package io.levee.testing;

import io.levee.messaging.Broker;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Closes broker connections the way a network fault or an operator would, with {@code rabbitmqctl} on the broker's
 * host. Only connections of the test broker's own virtual host opened by this JVM's Levee ({@link Broker#REPLICA})
 * are touched: other suites running against the same broker in their own virtual hosts, and Levee processes that
 * other tests of this suite started, have connections of the same names.
 */
public final class BrokerConnections {

    private BrokerConnections() {}

    /** Whether {@code rabbitmqctl} can reach the (local) test broker. */
    public static boolean controllable() {
        try {
            return TestBroker.uri().contains("127.0.0.1") && run("status") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static final String OWN = "{\"levee-replica\",\"" + Broker.REPLICA + "\"}";

    /**
     * Closes every connection of this JVM's Levee in the test virtual host whose client-provided name is {@code name}.
     *
     * @return how many were closed
     */
    public static int close(String name, String reason) {
        try {
            String vhost = vhost();
            int closed = 0;
            for (String line : output("list_connections", "pid", "vhost", "client_properties")
                    .lines()
                    .toList()) {
                String[] columns = line.split("\t", -1);
                if (columns.length >= 3 && columns[1].equals(vhost) && named(columns[2], name)) {
                    if (run("close_connection", columns[0], reason) == 0) {
                        closed++;
                    }
                }
            }
            return closed;
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl failed", e);
        }
    }

    /** How many connections of this JVM's Levee in the test virtual host have the client-provided name {@code name}. */
    public static int count(String name) {
        try {
            String vhost = vhost();
            return (int) output("list_connections", "vhost", "client_properties")
                    .lines()
                    .map(line -> line.split("\t", -1))
                    .filter(columns -> columns.length >= 2 && columns[0].equals(vhost) && named(columns[1], name))
                    .count();
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl failed", e);
        }
    }

    private static boolean named(String clientProperties, String name) {
        return clientProperties.contains("{\"connection_name\",\"" + name + "\"}") && clientProperties.contains(OWN);
    }

    /**
     * Refuses (false) or allows again (true) new connections of the test user to the test virtual host, so that a
     * test can hold a cut connection down for as long as it looks.
     */
    public static void allowConnections(boolean allow) {
        String user = URI.create(TestBroker.uri()).getUserInfo().split(":", 2)[0];
        try {
            int exit = allow
                    ? run("set_permissions", "-p", vhost(), user, ".*", ".*", ".*")
                    : run("clear_permissions", "-p", vhost(), user);
            if (exit != 0) {
                throw new IllegalStateException("rabbitmqctl could not change the permissions of " + user);
            }
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl failed", e);
        }
    }

    /** The test broker's virtual host, as rabbitmqctl prints it. */
    static String vhost() {
        String path = URI.create(TestBroker.uri()).getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        return URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
    }

    private static int run(String... args) throws IOException {
        Process p =
                command(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return exit(p);
    }

    private static String output(String... args) throws IOException {
        Process p = command(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        exit(p);
        return out;
    }

    private static int exit(Process p) {
        try {
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    }
}
