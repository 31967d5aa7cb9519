package io.levee.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.levee.config.LeveeConfig;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.ParkedTasks;
import io.levee.messaging.TooManyParkedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the operations resources share: checking a queue name, reading and writing JSON, broker failures. */
final class Operations {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PAGE = 1_000;
    static final int MAX_REPLAY_IDS = 10_000;

    private Operations() {}

    /** 400 for a name that cannot be a queue, 404 for a queue that is not configured. */
    static void requireConfigured(LeveeConfig config, String queue) {
        if (queue == null || !LeveeConfig.QUEUE_NAME.matcher(queue).matches()) {
            String shown = queue == null ? "" : queue.length() > 40 ? queue.substring(0, 40) + "..." : queue;
            throw new OperationProblem(
                    OperationProblem.Kind.INVALID_QUEUE_NAME,
                    "'" + shown + "' is not a queue name: " + LeveeConfig.QUEUE_NAME_RULE);
        }
        if (config.queue(queue).isEmpty()) {
            throw new OperationProblem(
                    OperationProblem.Kind.UNKNOWN_QUEUE, "no queue named '" + queue + "' is configured");
        }
    }

    /** Runs a broker operation, turning the broker's failures into problems. */
    static <T> T onBroker(Supplier<T> work) {
        try {
            return work.get();
        } catch (BrokerUnavailableException e) {
            throw new OperationProblem(
                    OperationProblem.Kind.BROKER_UNAVAILABLE, "the broker did not answer: " + e.getMessage(), e);
        } catch (TooManyParkedException e) {
            throw new OperationProblem(OperationProblem.Kind.TOO_MANY_PARKED, e.getMessage(), e);
        }
    }

    /** Applies an operator's change to a queue on every replica (through the broker), then saves its new state. */
    static void control(ControlPlane control, ControlStore store, String queue, Consumer<ControlPlane> change) {
        onBroker(() -> {
            change.accept(control);
            return null;
        });
        store.save(queue, control.control(queue));
    }

    static Response json(int status, Object value) {
        try {
            return Response.status(status)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(JSON.writeValueAsBytes(value))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }

    /** A JSON object from a request body, or 400. */
    static JsonNode object(byte[] body) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw invalid("the body is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        return node;
    }

    static OperationProblem invalid(String detail) {
        return new OperationProblem(OperationProblem.Kind.INVALID_REQUEST, detail);
    }

    /** A whole number from a query parameter within bounds, or 400 naming the parameter. */
    static int intParam(String name, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("'" + name + "' must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }

    /**
     * The selection of a replay request: exactly one of {@code {"all": true}}, {@code {"ids": [...]}} or
     * {@code {"limit": n}}.
     */
    static ParkedTasks.Selection selection(byte[] body) {
        JsonNode request = object(body);
        Set<String> fields = new HashSet<>();
        request.fieldNames().forEachRemaining(fields::add);
        if (fields.size() != 1 || !Set.of("all", "ids", "limit").containsAll(fields)) {
            throw invalid("give exactly one of {\"all\": true}, {\"ids\": [...]} or {\"limit\": n}; got " + fields);
        }
        JsonNode all = request.get("all");
        if (all != null) {
            if (!all.isBoolean() || !all.booleanValue()) {
                throw invalid("'all' must be true");
            }
            return new ParkedTasks.Selection.All();
        }
        JsonNode limit = request.get("limit");
        if (limit != null) {
            if (!limit.canConvertToInt() || !limit.isIntegralNumber() || limit.intValue() < 1) {
                throw invalid("'limit' must be a whole number of at least 1");
            }
            return new ParkedTasks.Selection.First(limit.intValue());
        }
        JsonNode ids = request.get("ids");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_REPLAY_IDS) {
            throw invalid("'ids' must be an array of 1 to " + MAX_REPLAY_IDS + " task ids");
        }
        Set<String> wanted = new HashSet<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.textValue().isBlank()) {
                throw invalid("every item of 'ids' must be a task id string");
            }
            wanted.add(id.textValue());
        }
        return new ParkedTasks.Selection.Ids(wanted);
    }

    /**
     * A page of the tasks parked in {@code source} after the task {@code after}, from a request's raw parameters.
     *
     * @param queue the task queue they belong to, or null when each names its own (the unroutable queue)
     */
    static Response listParked(
            ParkedTasks parked, String source, String queue, String limit, String after, String body) {
        int pageSize = intParam("limit", limit, 50, 1, MAX_PAGE);
        String from = after == null || after.isBlank() ? null : after;
        ParkedTasks.Page page;
        try {
            page = onBroker(() -> parked.list(source, queue, pageSize, from));
        } catch (IllegalArgumentException e) {
            throw invalid("'after': " + e.getMessage());
        }
        return json(200, page(source, page, "true".equals(body)));
    }

    /**
     * Moves the tasks a request's body selects out of {@code source}: to {@code queue}, or, when it is null, each to
     * the queue its routing key names.
     */
    static Response replayParked(ParkedTasks parked, String source, String queue, byte[] body) {
        ParkedTasks.Selection selection = selection(body);
        return json(200, replayed(onBroker(() -> parked.replay(source, queue, selection))));
    }

    /** A listing in the shape of openapi.yaml's ParkedTaskList. */
    private static Map<String, Object> page(String source, ParkedTasks.Page page, boolean withBody) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("source", source);
        answer.put("depth", page.depth());
        answer.put("tasks", page.tasks().stream().map(t -> task(t, withBody)).toList());
        if (page.more() && !page.tasks().isEmpty()) {
            answer.put("next", page.tasks().getLast().id());
        }
        return answer;
    }

    private static Map<String, Object> task(ParkedTasks.Parked t, boolean withBody) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        if (t.queue() != null) {
            m.put("queue", t.queue());
        }
        m.put("attempts", t.attempt());
        putTime(m, "submittedAt", t.submittedAt());
        putTime(m, "failedAt", t.failedAt());
        putTime(m, "replayedAt", t.replayedAt());
        if (t.errorClass() != null) {
            m.put("errorClass", t.errorClass());
        }
        if (t.errorMessage() != null) {
            m.put("errorMessage", t.errorMessage());
        }
        m.put("bodyBytes", t.body().length);
        m.put("bodyPreview", t.preview());
        if (withBody) {
            m.put("body", new String(t.body(), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void putTime(Map<String, Object> m, String name, Long epochMs) {
        if (epochMs != null && epochMs > 0) {
            m.put(name, Instant.ofEpochMilli(epochMs).toString());
        }
    }

    /** A replay's answer in the shape of openapi.yaml's ReplayResult. */
    private static Map<String, Object> replayed(ParkedTasks.Replayed r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("moved", r.moved());
        m.put("notFound", r.notFound());
        m.put(
                "notMoved",
                r.notMoved().entrySet().stream()
                        .map(e -> Map.of("id", e.getKey(), "reason", e.getValue()))
                        .toList());
        return m;
    }
}
