package io.levee.ingress;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.microprofile.server.RoutingPath;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.levee.config.Beans;
import io.levee.config.LeveeConfig;
import io.levee.config.Part;
import io.levee.config.PartOf;
import io.levee.security.Identity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/queues/{queue}/tasks} and {@code .../tasks/batch} on Helidon's own routing rather than JAX-RS:
 * the ingest path is the hot one, and Jersey's per-request machinery was the largest cost in its profile
 * (docs/benchmarks.md). Helidon routes these before the JAX-RS application; everything else under {@code /v1}
 * stays JAX-RS ({@link QueueResource}, {@link ProblemMapper}).
 */
@ApplicationScoped
@PartOf(Part.API)
@RoutingPath("/v1/queues")
public class TaskRoutes implements HttpService {

    private static final Logger LOG = Logger.getLogger(TaskRoutes.class.getName());

    /**
     * The header names {@link TaskIntake} asks for (a fixed set in its code, never a client's), made once: making one
     * lower-cases it, 4 % of the bytes the ingest path allocated.
     */
    private static final Map<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private final TaskIntake intake;
    private final Duration requestTimeout;
    private final IngestListener listener;

    @Inject
    TaskRoutes(TaskIntake intake, LeveeConfig config, Instance<IngestListener> listener) {
        this.intake = Beans.direct(intake);
        this.requestTimeout = config.ingest().requestTimeout();
        this.listener = listener.isResolvable() ? Beans.direct(listener.get()) : IngestListener.NONE;
        GlobalMappers.pin();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{queue}/tasks", (req, res) -> answer(req, res, false))
                .post("/{queue}/tasks/batch", (req, res) -> answer(req, res, true));
    }

    private void answer(ServerRequest req, ServerResponse res, boolean batch) {
        String queue = req.path().pathParameters().get("queue");
        TaskIntake.Headers headers = name -> req.headers()
                .value(NAMES.computeIfAbsent(name, HeaderNames::create))
                .orElse(null);
        String submittedBy = req.context().get(Identity.class).map(Identity::id).orElse(null);
        IngestListener.Request observed = listener.received(queue, headers.get("traceparent"), batch);
        TaskIntake.Answer answer;
        DeadlineInputStream body = null;
        try {
            body = new DeadlineInputStream(req.content().inputStream(), requestTimeout);
            answer = batch
                    ? intake.submitBatch(queue, headers, body, submittedBy, observed)
                    : intake.submit(queue, headers, body, submittedBy, observed);
            answer.headers().forEach(res::header);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
        } catch (ProblemException p) {
            observed.rejected(Rejections.reason(p.type()));
            if (p.type() == ProblemType.REQUEST_TIMEOUT) {
                // The rest of the body is not waited for: the connection closes after the answer.
                res.header(HeaderNames.CONNECTION, "close");
            }
            answer = problem(res, p, req.path().absolute().path());
        } catch (RuntimeException e) {
            observed.rejected(Rejections.reason(ProblemType.INTERNAL));
            LOG.log(Level.SEVERE, "unexpected error on " + req.path().absolute().path(), e);
            answer = problem(
                    res,
                    new ProblemException(ProblemType.INTERNAL, "unexpected error; see the server log"),
                    req.path().absolute().path());
        } finally {
            if (body != null) {
                body.finish();
            }
        }
        res.status(answer.status() == 202 ? Status.ACCEPTED_202 : Status.create(answer.status()));
        try {
            res.send(answer.body());
        } catch (RuntimeException e) {
            if (body == null || !body.connectionLost()) {
                throw e;
            }
            // The client is gone (its body stalled past the deadline, or it closed or broke the connection): the
            // answer has nowhere to go, and the web server would log each one as a failed request with a stack trace.
            LOG.log(Level.FINE, "no answer sent on " + req.path().absolute().path() + ": the connection is gone", e);
        }
        observed.answered(answer.status());
    }

    private static TaskIntake.Answer problem(ServerResponse res, ProblemException p, String instance) {
        res.header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        if (p.retryAfterSeconds() != null) {
            res.header(HeaderNames.RETRY_AFTER, p.retryAfterSeconds().toString());
        }
        return new TaskIntake.Answer(
                p.type().status(), Map.of(), Problems.bytes(p.type(), p.getMessage(), instance, p.extensions()));
    }
}
