package io.levee.security;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.levee.config.AuthSettings;
import io.levee.testing.TestBroker;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jar as an operator starts it: refusals at startup are one line and never print a password; a running Levee
 * whose broker refuses its password never shows that password, nor the broker's address, in its log, health,
 * API document or error bodies.
 */
@ExtendWith(TestBroker.class)
class SecretsIT {

    private static final String PASSWORD = "Sec-Test-pw-4417";
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void enabledWithoutCredentialsStopsWithOneLine() throws Exception {
        Run run = start(List.of("-Dlevee.amqp.uri=" + brokerUri("guest")));
        assertThat("Levee stops", run.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));
        String out = run.output();
        assertThat(run.process.exitValue(), not(is(0)));
        assertThat(out, containsString("Levee cannot start. " + AuthSettings.NOTHING_CONFIGURED + "\n"));
        assertThat("no stack trace", out, not(containsString("\tat ")));
        run.close();
    }

    @Test
    void anUnparseableBrokerUriIsNamedWithoutItsPassword() throws Exception {
        Run run = start(List.of(
                "-Dlevee.auth.enabled=false", "-Dlevee.amqp.uri=amqp://levee:" + PASSWORD + "#x@127.0.0.1:5672/levee"));
        assertThat("Levee stops", run.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), is(true));
        String out = run.output();
        assertThat(
                out, containsString("Levee cannot start. Invalid configuration: levee.amqp.uri = 'amqp://levee:***@"));
        assertThat(out, not(containsString(PASSWORD)));
        assertThat("no stack trace", out, not(containsString("\tat ")));
        run.close();
    }

    @Test
    void aBrokerPasswordNeverLeavesTheProcess() throws Exception {
        String key = Credentials.newKey();
        Path keys = Files.createTempFile("levee-keys", "");
        Files.write(keys, List.of("reader " + Credentials.sha256Hex(key) + " read,submit"));
        int port = 8517;
        Run run = start(List.of(
                "-Dserver.port=" + port,
                "-Dlevee.auth.api-keys-file=" + keys,
                "-Dlevee.amqp.uri=" + brokerUri(PASSWORD),
                "-Dlevee.idempotency.redis-uri=redis://:" + PASSWORD + "@127.0.0.1:1/5"));
        try {
            String base = "http://127.0.0.1:" + port;
            await("Levee answers").atMost(DEADLINE).until(() -> status(get(base + "/health/live", null)) == 200);
            await("the broker refused the password, logged").atMost(DEADLINE).until(() -> run.output()
                    .contains("unreachable"));
            List<String> answers = new ArrayList<>();
            for (String path : List.of("/health", "/health/ready", "/openapi", "/v1/queues", "/v1/queues/demo")) {
                answers.add(path + " " + get(base + path, key));
            }
            answers.add("POST "
                    + send(HttpRequest.newBuilder(URI.create(base + "/v1/queues/demo/tasks"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", "k1")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build()));
            String all = String.join("\n", answers);
            assertThat(all, not(containsString(PASSWORD)));
            assertThat("error bodies name no internal host", all, not(containsString("127.0.0.1")));
            assertThat(all, containsString("/v1/queues 503"));
            assertThat(run.output(), not(containsString(PASSWORD)));
            assertThat(run.output(), not(containsString(key)));
        } finally {
            run.close();
            Files.deleteIfExists(keys);
        }
    }

    private static String brokerUri(String password) {
        URI test = URI.create(TestBroker.uri());
        return "amqp://guest:" + password + "@" + test.getHost() + ":" + test.getPort() + test.getPath();
    }

    private record Run(Process process, Path log) implements AutoCloseable {
        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static Run start(List<String> options) throws IOException {
        Path log = Files.createTempFile("levee-secrets", ".log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dserver.host=127.0.0.1");
        command.add("-Dlevee.demo.enabled=true"); // as the stock image runs: the demo queue exists
        command.addAll(options);
        if (options.stream().noneMatch(o -> o.startsWith("-Dserver.port="))) {
            command.add("-Dserver.port=0");
        }
        command.add("-jar");
        command.add("target/levee.jar");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new Run(p, log);
    }

    private static String get(String url, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(0, 3));
    }

    private static String send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.headers().map() + " " + r.body();
        } catch (IOException e) {
            return "000 " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
