package io.levee.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** Plain HTTP calls to the operations API of one Levee, answers as JSON. */
final class OperationsClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;

    OperationsClient(String base) {
        this.base = base;
    }

    /** An answer: status, headers and body (parsed when it is JSON). */
    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException(raw.body(), e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    void awaitReady() {
        Awaitility.await("Levee ready")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> get("/health/ready").status() == 200);
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Answer get(String path, String header, String value) {
        return send(
                HttpRequest.newBuilder(uri(path)).header(header, value).GET().build());
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    /** Every task id of a listing, following its pages. */
    List<String> listIds(String path, int pageSize) {
        List<String> ids = new ArrayList<>();
        String after = null;
        do {
            Answer a = get(path + "?limit=" + pageSize + (after == null ? "" : "&after=" + after));
            if (a.status() != 200) {
                throw new IllegalStateException(a.status() + " " + a.raw().body());
            }
            a.json().get("tasks").forEach(t -> ids.add(t.get("id").asText()));
            after = a.json().has("next") ? a.json().get("next").asText() : null;
        } while (after != null);
        return ids;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
