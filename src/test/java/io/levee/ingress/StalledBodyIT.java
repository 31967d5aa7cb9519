package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops sending in the middle of its body loses its connection at {@code levee.ingest.request-timeout}
 * (the web server itself would wait as long as the client keeps the connection open, whatever
 * {@code server.connection-options.read-timeout} says), and nothing is enqueued.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-stalled-body.max-length", value = "100")
@AddConfig(key = "levee.ingest.request-timeout", value = "2s")
class StalledBodyIT {

    static final String TASKS = "/v1/queues/it-stalled-body/tasks";

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        IngestClients.awaitReady(target);
    }

    @Test
    void aBodyThatStopsArrivingIsCutAtTheRequestDeadline() throws IOException {
        for (String path : new String[] {TASKS, TASKS + "/batch"}) {
            long before = TestBroker.depth("it-stalled-body");
            URI base = URI.create(IngestClients.base(target));
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream()
                        .write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                        + "Content-Length: 100\r\n\r\n[{")
                                .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                long start = System.nanoTime();
                InputStream in = s.getInputStream();
                String answer;
                try {
                    answer = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                } catch (java.net.SocketException e) {
                    answer = ""; // reset by the server; a read timeout is not a SocketException and fails the test
                }
                long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertThat(
                        path + ": closed without an answer (the socket is gone) or with a 408: " + answer,
                        answer.isEmpty() || answer.contains("urn:levee:problem:request-timeout"),
                        is(true));
                assertThat("cut near the 2 s deadline", tookMillis, lessThan(10_000L));
            }
            assertThat("nothing enqueued", TestBroker.depth("it-stalled-body"), is(before));
        }
    }
}
