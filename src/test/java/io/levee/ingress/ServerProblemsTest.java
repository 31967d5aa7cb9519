package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The web server's own refusals as problem documents, each with the status the situation calls for. */
class ServerProblemsTest {

    @Test
    void eachServerEventGetsItsProblemType() {
        assertThat(
                ServerProblems.type(EventType.BAD_REQUEST, Status.BAD_REQUEST_400, "Header size exceeded"),
                is(ProblemType.INVALID_REQUEST));
        assertThat(
                ServerProblems.type(EventType.BAD_REQUEST, Status.BAD_REQUEST_400, "Unsupported content encoding"),
                is(ProblemType.UNSUPPORTED_MEDIA_TYPE));
        assertThat(
                ServerProblems.type(EventType.PAYLOAD_TOO_LARGE, Status.REQUEST_ENTITY_TOO_LARGE_413, null),
                is(ProblemType.PAYLOAD_TOO_LARGE));
        assertThat(
                ServerProblems.type(EventType.INTERNAL_ERROR, Status.INTERNAL_SERVER_ERROR_500, "boom"),
                is(ProblemType.INTERNAL));
    }

    @Test
    void tooManyConcurrentRequestsStays503WithRetryAfter() {
        DirectHandler.TransportResponse r = new ServerProblems()
                .handle(
                        DirectHandler.TransportRequest.empty(),
                        EventType.OTHER,
                        Status.SERVICE_UNAVAILABLE_503,
                        ServerResponseHeaders.create(),
                        "Too Many Concurrent Requests");
        assertThat(r.status().code(), is(503));
        assertThat(r.headers().first(HeaderNames.RETRY_AFTER).orElse(""), is("1"));
        assertThat(r.headers().first(HeaderNames.CONTENT_TYPE).orElse(""), is("application/problem+json"));
        String body = new String(r.entity().orElseThrow(), StandardCharsets.UTF_8);
        assertThat(body, containsString("\"type\":\"urn:levee:problem:server-busy\""));
        assertThat(body, containsString("Too Many Concurrent Requests"));
    }

    @Test
    void theServersMessageIsCutShortAndPrintableAndAnInternalErrorsIsNeverShown() {
        assertThat(
                ServerProblems.detail("bad\u0000\nline" + "x".repeat(500), ProblemType.INVALID_REQUEST)
                        .length(),
                is(200));
        assertThat(ServerProblems.detail("bad\u0000\nline", ProblemType.INVALID_REQUEST), is("bad??line"));
        assertThat(ServerProblems.detail("secret stack", ProblemType.INTERNAL), is("Internal error"));
    }
}
