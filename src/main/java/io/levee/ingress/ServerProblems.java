package io.levee.ingress;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.levee.config.Part;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Extension;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Turns the answers Helidon's web server gives on its own, before any route runs (headers too large, a body over
 * {@code server.max-payload-size}, an unknown {@code Content-Encoding}, a malformed request line), into the same
 * {@code application/problem+json} documents every Levee endpoint answers, instead of empty bodies.
 *
 * <p>Only with Levee's API part on ({@code levee.api.enabled}): the handlers answer for the whole server.
 * Helidon MP builds its server from a builder it does not expose; this extension reaches it once at startup. On
 * a Helidon where that is not possible, it logs one line and the server keeps its plain answers.
 */
public final class ServerProblems implements Extension, DirectHandler {

    private static final Logger LOG = Logger.getLogger(ServerProblems.class.getName());
    private static final int MAX_DETAIL = 200;

    void install(@Observes AfterBeanDiscovery event, BeanManager beans) {
        if (!Part.API.enabledIn(ConfigProvider.getConfig())) {
            return; // an application that does not serve Levee's API keeps its own server answers
        }
        try {
            ServerCdiExtension server = beans.getExtension(ServerCdiExtension.class);
            Method builder = ServerCdiExtension.class.getDeclaredMethod("serverBuilder");
            builder.setAccessible(true);
            DirectHandlers.Builder handlers = DirectHandlers.builder();
            for (EventType type : EventType.values()) {
                handlers.addHandler(type, this);
            }
            ((WebServerConfig.Builder) builder.invoke(server)).directHandlers(handlers.build());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("the web server's own error answers stay plain text (cannot reach its builder: " + e + ")");
        }
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status defaultStatus,
            ServerResponseHeaders headers,
            Throwable thrown,
            System.Logger logger) {
        return handle(request, eventType, defaultStatus, headers, thrown == null ? null : thrown.getMessage());
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status defaultStatus,
            ServerResponseHeaders headers,
            Throwable thrown) {
        return handle(request, eventType, defaultStatus, headers, thrown, null);
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status defaultStatus,
            ServerResponseHeaders headers,
            String message) {
        ProblemType type = type(eventType, defaultStatus, message);
        String detail = type == ProblemType.UNSUPPORTED_MEDIA_TYPE
                ? "Content-Encoding '" + detail(encoding(request), type) + "' is not supported; use gzip or none"
                : detail(message, type);
        TransportResponse.Builder response = TransportResponse.builder()
                .status(Status.create(type.status()))
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        if (type == ProblemType.SERVER_BUSY) {
            response.header(HeaderNames.RETRY_AFTER, "1");
        }
        return response.keepAlive(eventType.keepAlive())
                .entity(Problems.bytes(type, detail, instance(request), Map.of()))
                .build();
    }

    /** The problem type for a server event: an unknown encoding is 415, as the task endpoints document. */
    static ProblemType type(EventType eventType, Status defaultStatus, String message) {
        if (message != null && message.toLowerCase(Locale.ROOT).startsWith("unsupported content encoding")) {
            return ProblemType.UNSUPPORTED_MEDIA_TYPE;
        }
        return switch (defaultStatus.code()) {
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 408 -> ProblemType.REQUEST_TIMEOUT;
            // server.max-concurrent-requests reached: the server is busy, not broken
            case 503 -> ProblemType.SERVER_BUSY;
            default ->
                defaultStatus.code() >= 500 || eventType == EventType.INTERNAL_ERROR
                        ? ProblemType.INTERNAL
                        : ProblemType.INVALID_REQUEST;
        };
    }

    /**
     * The server's own message, cut short and limited to printable ASCII: it can quote the request, and an internal
     * error's message is never shown.
     */
    static String detail(String message, ProblemType type) {
        if (type == ProblemType.INTERNAL || message == null || message.isBlank()) {
            return type.title();
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < message.length() && out.length() < MAX_DETAIL; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static String encoding(TransportRequest request) {
        return request == null
                ? ""
                : request.headers().first(HeaderNames.CONTENT_ENCODING).orElse("");
    }

    private static String instance(TransportRequest request) {
        String path = request == null ? null : request.path();
        return path == null || path.isEmpty() || path.length() > MAX_DETAIL
                ? null
                : detail(path, ProblemType.NOT_FOUND);
    }
}
