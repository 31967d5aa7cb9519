package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow clients cannot hold the front door: a body that trickles in past {@code levee.ingest.request-timeout} is
 * answered 408, and 2,000 connections stuck halfway through their bodies leave normal submissions answered.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-slow-clients.max-length", value = "10000")
@AddConfig(key = "levee.ingest.request-timeout", value = "2s")
class SlowClientsIT {

    static final String TASKS = "/v1/queues/it-slow-clients/tasks";
    static final int SLOW_CONNECTIONS = 2_000;

    @Inject
    WebTarget target;

    @BeforeEach
    void ready() {
        IngestClients.awaitReady(target);
    }

    @Test
    void aBodyTricklingPastTheDeadlineIsAnswered408() throws IOException {
        long before = TestBroker.depth("it-slow-clients");
        try (Socket s = open()) {
            s.setSoTimeout(250);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            long start = System.nanoTime();
            // One byte of a 100-byte body at a time, well inside the server's 30 s read timeout each.
            while (!answer.toString().contains("}")
                    && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                try {
                    out.write(' ');
                    out.flush();
                    byte[] buf = new byte[4096];
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    answer.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet: send the next byte
                } catch (java.net.SocketException e) {
                    break;
                }
            }
            long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(answer.toString(), answer.toString(), containsString("HTTP/1.1 408"));
            assertThat(answer.toString(), containsString("application/problem+json"));
            assertThat(answer.toString(), containsString("urn:levee:problem:request-timeout"));
            assertThat("answered near the 2 s deadline, not at the end of the body", tookMillis, lessThan(10_000L));
        }
        assertThat("nothing enqueued", TestBroker.depth("it-slow-clients"), is(before));
    }

    @Test
    void twoThousandStuckBodiesDoNotStopNormalSubmissions() throws IOException {
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                stuck.add(open());
            }
            normalSubmissionsAreAccepted();
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
        }
    }

    /** Twenty ordinary submissions, each answered 202 within 10 s. */
    private void normalSubmissionsAreAccepted() throws IOException {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r =
                    IngestClients.send(HttpRequest.newBuilder(URI.create(IngestClients.base(target) + TASKS))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"))
                            .build());
            assertThat(r.body(), r.statusCode(), is(202));
        }
    }

    /**
     * Stuck bodies that announce much (a 4 MiB batch, a batch of unknown length, a gzip task) hold no more of
     * {@code levee.ingest.body-memory} than the bytes they sent: 300 of them announce 1.2 GiB against a 64 MiB budget,
     * and normal submissions are still answered 202 at once, not 503 server-busy.
     */
    @Test
    void stuckBodiesThatAnnounceMuchDoNotHoldTheBodyMemory() throws IOException {
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                stuck.add(open(TASKS + "/batch", "Content-Length: 4194304\r\n", "[{"));
            }
            for (int i = 0; i < 100; i++) {
                stuck.add(open(TASKS + "/batch", "Transfer-Encoding: chunked\r\n", "2\r\n[{"));
            }
            for (int i = 0; i < 100; i++) {
                stuck.add(
                        open(TASKS, "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "1\r\n" + (char) 0x1f));
            }
            while (stuck.size() < SLOW_CONNECTIONS) {
                stuck.add(open());
            }
            normalSubmissionsAreAccepted();
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
        }
    }

    /** A connection that sent its headers and the first byte of a 100-byte body, and then nothing. */
    private Socket open() throws IOException {
        return open(TASKS, "Content-Length: 100\r\n", "{");
    }

    /** A connection that sent its headers and the start of its body, and then nothing. */
    private Socket open(String path, String bodyHeaders, String start) throws IOException {
        URI base = URI.create(IngestClients.base(target));
        Socket s = new Socket(base.getHost(), base.getPort());
        s.getOutputStream()
                .write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + bodyHeaders + "\r\n" + start)
                        .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }
}
