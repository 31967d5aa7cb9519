package io.levee.ingress;

import io.levee.config.Beans;
import io.levee.config.LeveeConfig;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.QueueFullException;
import io.levee.messaging.TaskEnvelope;
import io.levee.messaging.TaskLifecycle;
import io.levee.messaging.TaskPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Taking tasks in, for {@code POST /v1/queues/{queue}/tasks[/batch]} ({@link TaskRoutes}): check, stamp, publish
 * with confirm, answer 202 (see openapi.yaml). Checks run cheapest first and all before anything is published, so
 * bad input changes nothing. Refusals are thrown as {@link ProblemException}.
 */
@ApplicationScoped
public class TaskIntake {

    private static final Pattern TRACEPARENT =
            Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7e]{1,255}");

    private final LeveeConfig config;
    private final Broker broker;
    private final TaskPublisher publisher;
    private final QueueSchemas schemas;
    private final Admission admission;
    private final QueueRates rates;
    private final IdempotencyStore idempotency;
    private final TaskLifecycle lifecycle;
    private final BodyBudget bodies;

    @Inject
    TaskIntake(
            LeveeConfig config,
            Broker broker,
            TaskPublisher publisher,
            QueueSchemas schemas,
            Admission admission,
            QueueRates rates,
            IdempotencyStore idempotency,
            TaskLifecycle lifecycle) {
        this.lifecycle = Beans.direct(lifecycle);
        this.config = config;
        this.broker = Beans.direct(broker);
        this.publisher = Beans.direct(publisher);
        this.schemas = Beans.direct(schemas);
        this.admission = Beans.direct(admission);
        this.rates = Beans.direct(rates);
        this.idempotency = Beans.direct(idempotency);
        this.bodies = new BodyBudget(config.ingest().bodyMemory());
    }

    /** How long a request waits for room in {@code levee.ingest.body-memory} before it is answered 503. */
    static final Duration BODY_MEMORY_WAIT = Duration.ofSeconds(2);

    /** Request headers by name (case-insensitive), null when absent. */
    @FunctionalInterface
    interface Headers {
        String get(String name);
    }

    /** What to answer: status, headers and a JSON body (handed straight to the response, never compared). */
    @SuppressWarnings("ArrayRecordComponent")
    record Answer(int status, Map<String, String> headers, byte[] body) {}

    /**
     * Accepts one task; 202 only after the broker confirmed it.
     *
     * @param submittedBy the authenticated identity ({@code key:<name>}, {@code jwt:<principal>}), or null when
     *                    authentication is off; it travels in the message and scopes the idempotency key
     * @param observed    hears what becomes of the task
     */
    Answer submit(
            String queue, Headers headers, InputStream entity, String submittedBy, IngestListener.Request observed) {
        requireAcceptable(queue, headers);
        try (BodyBudget.Reservation room = reserve(headers)) {
            return acceptOne(queue, headers, room.meter(entity), submittedBy, observed);
        }
    }

    private Answer acceptOne(
            String queue, Headers headers, InputStream entity, String submittedBy, IngestListener.Request observed) {
        String idempotencyKey = headers.get("Idempotency-Key");
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new ProblemException(
                    ProblemType.INVALID_REQUEST, "Idempotency-Key must be 1-255 printable ASCII characters");
        }
        byte[] body = readBody(headers, entity, config.ingest().maxBodySize());
        if (schemas.hasSchema(queue)) {
            schemas.requireValid(queue, TaskBodies.parse(body));
        } else {
            TaskBodies.requireJson(body);
        }
        String requestId = requestId(headers.get("X-Request-Id"));
        String traceparent = traceparent(headers.get("traceparent"));

        TaskTimes times = TaskTimes.of(headers, config.queues().get(queue), Instant.now());
        Submission submission = new Submission(queue, requestId, traceparent, submittedBy, observed);
        if (idempotencyKey == null) {
            return accepted(publishOne(submission, body, null, times));
        }
        String fingerprint = fingerprint(body);
        String scopedKey = scoped(idempotencyKey, submittedBy);
        Optional<IdempotencyStore.Entry> existing = idempotency.reserve(queue, scopedKey, fingerprint);
        if (existing.isPresent()) {
            return replay(queue, existing.get(), fingerprint);
        }
        try {
            Accepted a = publishOne(submission, body, idempotencyKey, times);
            idempotency.complete(
                    queue,
                    scopedKey,
                    new IdempotencyStore.Entry(fingerprint, a.id(), IsoInstants.format(a.acceptedAt()), a.requestId()));
            return accepted(a);
        } catch (RuntimeException e) {
            idempotency.release(queue, scopedKey);
            throw e;
        }
    }

    /** Accepts a JSON array of tasks: all validated first, then published; one result per item. */
    Answer submitBatch(
            String queue, Headers headers, InputStream entity, String submittedBy, IngestListener.Request observed) {
        requireAcceptable(queue, headers);
        try (BodyBudget.Reservation room = reserve(headers)) {
            return acceptBatch(queue, headers, room.meter(entity), submittedBy, observed);
        }
    }

    private BodyBudget.Reservation reserve(Headers headers) {
        return bodies.reserve(headers.get("Content-Length"), headers.get("Content-Encoding"), BODY_MEMORY_WAIT);
    }

    /** Room left in {@code levee.ingest.body-memory}, in KiB. */
    int bodyMemoryFreeKib() {
        return bodies.availableKib();
    }

    private Answer acceptBatch(
            String queue, Headers headers, InputStream entity, String submittedBy, IngestListener.Request observed) {
        byte[] body = readBody(headers, entity, config.ingest().batchMaxBodySize());
        boolean schema = schemas.hasSchema(queue);
        List<TaskBodies.Item> items = TaskBodies.parseBatch(
                body, config.ingest().batchMaxItems(), config.ingest().maxBodySize(), schema);
        for (int i = 0; schema && i < items.size(); i++) {
            try {
                schemas.requireValid(queue, items.get(i).value());
            } catch (ProblemException e) {
                throw e.forItem(i);
            }
        }
        String requestId = requestId(headers.get("X-Request-Id"));
        String traceparent = traceparent(headers.get("traceparent"));
        List<TaskTimes> times = TaskTimes.ofItems(headers, config.queues().get(queue), Instant.now(), items.size());
        admission.admit(queue, items.size());
        requireBroker();

        Object[] outcomes =
                publishAll(new Submission(queue, requestId, traceparent, submittedBy, observed), items, times);
        List<Map<String, Object>> results = new ArrayList<>();
        boolean allAccepted = true;
        for (int i = 0; i < outcomes.length; i++) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", i);
            if (outcomes[i] instanceof Accepted a) {
                result.put("status", 202);
                result.put("id", a.id());
                result.put("acceptedAt", IsoInstants.format(a.acceptedAt()));
                result.put("location", a.location());
                a.putTimes(result);
            } else {
                ProblemException p = outcomes[i] instanceof ProblemException pe
                        ? pe
                        : new ProblemException(ProblemType.INTERNAL, "unexpected error; see the server log");
                allAccepted = false;
                observed.rejected(Rejections.reason(p.type()));
                result.put("status", p.type().status());
                result.put("problem", Problems.document(p.type(), p.getMessage(), null, Map.of("item", i)));
            }
            results.add(result);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("requestId", requestId);
        answer.put("results", results);
        return new Answer(allAccepted ? 202 : 200, Map.of("X-Request-Id", requestId), writeJson(answer));
    }

    /**
     * Publishes the items through at most {@code levee.publish.sessions} threads (a session holds one send in
     * flight, so more would only wait), each taking the next item; one outcome per item, in order: an
     * {@link Accepted} or the exception that refused it.
     */
    private Object[] publishAll(Submission submission, List<TaskBodies.Item> items, List<TaskTimes> times) {
        Object[] outcomes = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(items.size(), config.publish().sessions());
        try (ExecutorService publishing = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                publishing.execute(() -> {
                    for (int i = next.getAndIncrement(); i < outcomes.length; i = next.getAndIncrement()) {
                        try {
                            outcomes[i] = publish(submission, items.get(i).body(), null, times.get(i));
                        } catch (RuntimeException e) {
                            outcomes[i] = e;
                        }
                    }
                });
            }
        }
        return outcomes;
    }

    private record Accepted(String id, String queue, long acceptedAt, String requestId, TaskTimes times) {
        String location() {
            return "/v1/queues/" + queue + "/tasks/" + id;
        }

        /** When the task is due, if later than now, and its deadline, if it has one, into an answer. */
        void putTimes(Map<String, Object> answer) {
            if (times.notBefore() > 0) {
                answer.put("dueAt", IsoInstants.format(times.notBefore()));
            }
            if (times.deadline() > 0) {
                answer.put("deadline", IsoInstants.format(times.deadline()));
            }
        }
    }

    /** Checks, in this order, that this replica takes tasks, the queue exists and the body is declared JSON. */
    private void requireAcceptable(String queue, Headers headers) {
        requireAcceptedQueue(queue);
        TaskBodies.requireJsonMediaType(headers.get("Content-Type"));
    }

    /** The decoded body, refused when it is larger than the limit (counted after decompression). */
    private static byte[] readBody(Headers headers, InputStream entity, long limit) {
        return TaskBodies.read(entity, headers.get("Content-Encoding"), headers.get("Content-Length"), limit);
    }

    private void requireAcceptedQueue(String queue) {
        if (!config.role().accepts()) {
            throw new ProblemException(ProblemType.NOT_ACCEPTING, "this replica runs with levee.role=worker");
        }
        QueueNames.requireConfigured(config, queue);
    }

    /**
     * What every task of one request shares.
     *
     * @param submittedBy the authenticated identity, or null when authentication is off
     * @param observed    hears what becomes of the request's tasks
     */
    private record Submission(
            String queue, String requestId, String traceparent, String submittedBy, IngestListener.Request observed) {}

    private Accepted publishOne(Submission submission, byte[] body, String key, TaskTimes times) {
        admission.admit(submission.queue(), 1);
        requireBroker();
        return publish(submission, body, key, times);
    }

    /**
     * The key as stored: scoped by the submitter (length-prefixed, so no choice of names makes two scopes meet),
     * so one client can neither replay nor squat another's key. Unscoped when authentication is off.
     */
    private static String scoped(String key, String submittedBy) {
        return submittedBy == null ? key : submittedBy.length() + ":" + submittedBy + ":" + key;
    }

    private void requireBroker() {
        if (!broker.isUp()) {
            throw new ProblemException(
                    ProblemType.BROKER_UNAVAILABLE,
                    "not connected to the broker yet; nothing was" + " stored",
                    Admission.RETRY_AFTER_UNAVAILABLE);
        }
    }

    /** Publishes one task of the submission, with its idempotency key (or null) and times. */
    private Accepted publish(Submission submission, byte[] body, String key, TaskTimes times) {
        String queue = submission.queue();
        long acceptedAt = System.currentTimeMillis();
        String id = Ids.uuid();
        IngestListener.Publish publish = submission.observed().publishing(id, submission.traceparent());
        TaskEnvelope task = new TaskEnvelope(
                id,
                queue,
                acceptedAt,
                1,
                submission.requestId(),
                publish.traceparent(),
                key,
                submission.submittedBy(),
                null,
                null,
                null,
                body,
                times.deadline(),
                times.notBefore());
        try {
            if (times.notBefore() > 0) {
                broker.ensureDelayLadder(config.queues().get(queue));
            }
            publisher.publish(task, config.ingest().publishTimeout());
        } catch (QueueFullException e) {
            publish.failed(Rejections.reason(ProblemType.QUEUE_FULL));
            throw admission.queueFull(e);
        } catch (BrokerUnavailableException e) {
            publish.failed(Rejections.reason(ProblemType.BROKER_UNAVAILABLE));
            throw admission.unavailable(e);
        } catch (RuntimeException e) {
            publish.failed(Rejections.reason(ProblemType.INTERNAL));
            throw e;
        }
        publish.confirmed();
        rates.accepted(queue, 1);
        lifecycle.accepted(queue, task.id(), task.submittedAt());
        return new Accepted(task.id(), queue, acceptedAt, submission.requestId(), times);
    }

    /** The 202, written by hand: the one answer on the hot path, where a general JSON writer cost 3 % of the CPU. */
    private static Answer accepted(Accepted a) {
        StringBuilder json = new StringBuilder(160);
        json.append("{\"id\":");
        JsonText.string(json, a.id());
        json.append(",\"queue\":");
        JsonText.string(json, a.queue());
        json.append(",\"acceptedAt\":\"")
                .append(IsoInstants.format(a.acceptedAt()))
                .append('"');
        json.append(",\"requestId\":");
        JsonText.string(json, a.requestId());
        if (a.times().notBefore() > 0) {
            json.append(",\"dueAt\":\"")
                    .append(IsoInstants.format(a.times().notBefore()))
                    .append('"');
        }
        if (a.times().deadline() > 0) {
            json.append(",\"deadline\":\"")
                    .append(IsoInstants.format(a.times().deadline()))
                    .append('"');
        }
        json.append('}');
        return new Answer(
                202,
                Map.of("Location", a.location(), "X-Request-Id", a.requestId()),
                json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Answer replay(String queue, IdempotencyStore.Entry entry, String fingerprint) {
        if (!entry.fingerprint().equals(fingerprint)) {
            throw new ProblemException(
                    ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was used on queue '" + queue + "' with a different body");
        }
        if (entry.isPending()) {
            throw new ProblemException(
                    ProblemType.IDEMPOTENCY_KEY_IN_USE,
                    "a request with this Idempotency-Key is" + " still being published; retry shortly",
                    1);
        }
        return accepted(new Accepted(
                entry.taskId(),
                queue,
                Instant.parse(entry.acceptedAt()).toEpochMilli(),
                entry.requestId(),
                new TaskTimes(0, 0)));
    }

    private static String fingerprint(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String requestId(String header) {
        return header != null && REQUEST_ID.matcher(header).matches() ? header : Ids.uuid();
    }

    private static String traceparent(String header) {
        if (header != null && TRACEPARENT.matcher(header).matches()) {
            return header;
        }
        return Ids.traceparent();
    }

    static byte[] writeJson(Object value) {
        try {
            return TaskBodies.JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
