package io.levee.observability;

import io.levee.config.LeveeConfig;
import io.levee.ingress.IngestListener;
import io.levee.security.AccessListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The ingest path's metrics and, with tracing on, its spans: one per request (a child of the caller's
 * {@code traceparent}, when it sent one) with a child per publish, whose context the task carries to its handler.
 * Metrics: {@code levee.tasks.accepted}, {@code levee.tasks.rejected} (by reason) and
 * {@code levee.publish.confirm}. A configured queue's meters are registered at startup (so they read 0 before the
 * first task), a reason's at its first refusal; requests for unknown queues share the {@code (unknown)} tag, so a
 * client cannot grow the registry by inventing queue names.
 */
@ApplicationScoped
public class IngestTelemetry implements IngestListener, AccessListener {

    private static final Pattern TASKS = Pattern.compile("/v1/queues/([^/]+)/tasks(/batch)?");

    private final MetricRegistry registry;
    private final LeveeConfig config;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();
    private final Optional<Tracer> tracer;

    @Inject
    IngestTelemetry(
            @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
            LeveeConfig config,
            Tracing tracing) {
        this.registry = registry;
        this.config = config;
        this.tracer = tracing.tracer();
    }

    /**
     * Every configured queue's meters are registered at startup rather than at its first task, so that they read 0
     * from the start. Not in the constructor: the instance may be created while the server is set up (the ingest
     * routes hold it directly, config.Beans), before the registry is ready.
     */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        config.queues().keySet().forEach(this::meters);
    }

    /** A task submission refused by authentication counts as rejected, reason {@code unauthorized} or {@code forbidden}. */
    @Override
    public void refused(String method, String path, int status) {
        Matcher task = TASKS.matcher(path);
        if (!"POST".equals(method) || !task.matches()) {
            return;
        }
        Request request = received(task.group(1), null, task.group(2) != null);
        request.rejected(status == 401 ? "unauthorized" : "forbidden");
        request.answered(status);
    }

    @Override
    public Request received(String queue, String traceparent, boolean batch) {
        QueueMeters meters = meters(config.queues().containsKey(queue) ? queue : MetricNames.UNKNOWN_QUEUE);
        if (tracer.isEmpty()) {
            return new Observed(meters, batch);
        }
        String route = "/v1/queues/{queue}/tasks" + (batch ? "/batch" : "");
        SpanBuilder span = tracer.get()
                .spanBuilder("POST " + route)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(Tracing.QUEUE, queue)
                .setAttribute(Tracing.HTTP_METHOD, "POST")
                .setAttribute(Tracing.HTTP_ROUTE, route);
        span.setParent(Tracing.parse(traceparent)
                .map(parent -> Context.root().with(Span.wrap(parent)))
                .orElseGet(Context::root));
        return new Traced(meters, span.startSpan(), batch);
    }

    private QueueMeters meters(String queue) {
        QueueMeters known = queues.get(queue);
        if (known != null) {
            return known;
        }
        return queues.computeIfAbsent(queue, q -> {
            Tag tag = new Tag("queue", q);
            return new QueueMeters(
                    tag,
                    registry.counter(MetricNames.TASKS_ACCEPTED, tag),
                    registry.timer(MetricNames.PUBLISH_CONFIRM, tag),
                    new ConcurrentHashMap<>());
        });
    }

    private record QueueMeters(Tag queue, Counter accepted, Timer confirm, Map<String, Counter> rejected) {

        /** The broker confirmed a task sent at {@code sentAt} ({@link System#nanoTime()}). */
        void confirmed(long sentAt) {
            confirm.update(Duration.ofNanos(System.nanoTime() - sentAt));
            accepted.inc();
        }
    }

    /** A request with its span, whose publishes are its children. */
    private final class Traced extends Observed {
        private final Span span;

        Traced(QueueMeters meters, Span span, boolean batch) {
            super(meters, batch);
            this.span = span;
        }

        @Override
        public Publish publishing(String taskId, String traceparent) {
            Publish measured = super.publishing(taskId, traceparent);
            String queue = meters.queue().getTagValue();
            Span publish = tracer.orElseThrow()
                    .spanBuilder("publish " + queue)
                    .setSpanKind(SpanKind.PRODUCER)
                    .setParent(Context.root().with(span))
                    .setAttribute(Tracing.QUEUE, queue)
                    .setAttribute(Tracing.TASK_ID, taskId)
                    .setAttribute(Tracing.MESSAGE_ID, taskId)
                    .setAttribute(Tracing.MESSAGING_SYSTEM, "rabbitmq")
                    .setAttribute(Tracing.DESTINATION, queue)
                    .startSpan();
            String carried = Tracing.traceparent(publish);
            return new Publish() {
                @Override
                public String traceparent() {
                    return carried;
                }

                @Override
                public void confirmed() {
                    measured.confirmed();
                    publish.end();
                }

                @Override
                public void failed(String reason) {
                    publish.setStatus(StatusCode.ERROR, reason);
                    publish.setAttribute(Tracing.REJECTED, reason);
                    publish.end();
                }
            };
        }

        @Override
        public void rejected(String reason) {
            super.rejected(reason);
            span.setAttribute(Tracing.REJECTED, reason);
        }

        @Override
        public void answered(int status) {
            span.setAttribute(Tracing.HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /**
     * A request's metrics. A single-task request publishes once, so the request is also its publish: one object per
     * request, one clock read at the send and one at the confirm. A batch's items publish concurrently, each with its
     * own {@link Timed}.
     */
    private class Observed implements Request, Publish {
        final QueueMeters meters;
        private final boolean batch;
        private String traceparent;
        private long sentAt;
        private boolean publishing;

        Observed(QueueMeters meters, boolean batch) {
            this.meters = meters;
            this.batch = batch;
        }

        @Override
        public Publish publishing(String taskId, String traceparent) {
            if (batch || publishing) {
                return new Timed(meters, traceparent);
            }
            publishing = true;
            this.traceparent = traceparent;
            this.sentAt = System.nanoTime();
            return this;
        }

        @Override
        public String traceparent() {
            return traceparent;
        }

        @Override
        public void confirmed() {
            meters.confirmed(sentAt);
        }

        @Override
        public void rejected(String reason) {
            meters.rejected()
                    .computeIfAbsent(
                            reason,
                            r -> registry.counter(MetricNames.TASKS_REJECTED, meters.queue(), new Tag("reason", r)))
                    .inc();
        }
    }

    /** One item of a batch, from its send to its confirm. */
    private static final class Timed implements Publish {
        private final QueueMeters meters;
        private final String traceparent;
        private final long sentAt = System.nanoTime();

        Timed(QueueMeters meters, String traceparent) {
            this.meters = meters;
            this.traceparent = traceparent;
        }

        @Override
        public String traceparent() {
            return traceparent;
        }

        @Override
        public void confirmed() {
            meters.confirmed(sentAt);
        }
    }
}
