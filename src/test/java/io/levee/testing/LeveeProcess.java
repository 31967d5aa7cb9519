package io.levee.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another Levee replica: {@code target/levee.jar} in a JVM of its own, against the test broker, on a free port of
 * 127.0.0.1, authentication off, its output in a temporary file. Closing it sends SIGTERM, waits for the exit (then
 * kills it) and deletes the output.
 */
public final class LeveeProcess implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final int port;

    private LeveeProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /**
     * Starts a replica.
     *
     * @param role       {@code levee.role}: {@code all}, {@code gateway} or {@code worker}
     * @param properties further settings as {@code key=value}, passed as system properties
     */
    public static LeveeProcess start(String role, String... properties) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dlevee.amqp.uri=" + TestBroker.uri(),
                "-Dlevee.role=" + role,
                "-Dserver.port=" + port,
                "-Dserver.host=127.0.0.1",
                "-Dlevee.auth.enabled=false"));
        for (String property : properties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", "target/levee.jar"));
        Path output = Files.createTempFile("levee-replica", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new LeveeProcess(process, output, port);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** What it printed so far. */
    public String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM and waits up to {@code seconds} for the exit; whether it exited. */
    public boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** Kills it at once ({@code kill -9}) and waits for the exit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!terminate(30)) {
            kill();
        }
        Files.deleteIfExists(output);
    }
}
