package io.levee.observability;

import io.levee.delivery.DeliveryListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The built-in delivery's metrics and, with tracing on, a span per request (its context goes out as the request's
 * {@code traceparent}). Metrics: {@code levee.delivery.requests} by status class ({@code 2xx} ... {@code 5xx}, and
 * {@code error} for no answer) and {@code levee.delivery.duration}.
 */
@ApplicationScoped
public class DeliveryTelemetry implements DeliveryListener {

    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MetricRegistry registry;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();
    private final Optional<Tracer> tracer;

    @Inject
    DeliveryTelemetry(
            @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry, Tracing tracing) {
        this.registry = registry;
        this.tracer = tracing.tracer();
    }

    @Override
    public Request sending(String queue, String taskId, int attempt, String traceparent) {
        QueueMeters m = queues.computeIfAbsent(queue, this::meters);
        Span span =
                tracer.map(t -> span(t, queue, taskId, attempt, traceparent)).orElse(null);
        String sent = span == null ? traceparent : Tracing.traceparent(span);
        long start = System.nanoTime();
        return new Request() {
            @Override
            public String traceparent() {
                return sent;
            }

            @Override
            public void answered(int status) {
                m.duration().update(Duration.ofNanos(System.nanoTime() - start));
                m.requests(statusClass(status)).inc();
                if (span != null) {
                    span.setAttribute(Tracing.HTTP_STATUS, (long) status);
                    if (status >= 400) {
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                }
            }

            @Override
            public void failed(Throwable error) {
                m.duration().update(Duration.ofNanos(System.nanoTime() - start));
                m.requests("error").inc();
                if (span != null) {
                    span.recordException(error);
                    span.setStatus(StatusCode.ERROR, String.valueOf(error));
                    span.end();
                }
            }
        };
    }

    /** A delivery request's span: a child of the handling attempt whose context the task carries. */
    private static Span span(Tracer tracer, String queue, String taskId, int attempt, String traceparent) {
        return tracer.spanBuilder("POST")
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Tracing.parse(traceparent)
                        .map(parent -> Context.root().with(Span.wrap(parent)))
                        .orElseGet(Context::root))
                .setAttribute(Tracing.QUEUE, queue)
                .setAttribute(Tracing.TASK_ID, taskId)
                .setAttribute(Tracing.ATTEMPT, (long) attempt)
                .setAttribute(Tracing.HTTP_METHOD, "POST")
                .startSpan();
    }

    private static String statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? CLASSES[c - 1] : "error";
    }

    private QueueMeters meters(String queue) {
        return new QueueMeters(
                registry,
                new Tag("queue", queue),
                registry.timer(MetricNames.DELIVERY_DURATION, new Tag("queue", queue)));
    }

    private record QueueMeters(MetricRegistry registry, Tag queue, Timer duration, Map<String, Counter> byClass) {
        QueueMeters(MetricRegistry registry, Tag queue, Timer duration) {
            this(registry, queue, duration, new ConcurrentHashMap<>());
        }

        Counter requests(String statusClass) {
            return byClass.computeIfAbsent(
                    statusClass, c -> registry.counter(MetricNames.DELIVERY_REQUESTS, queue, new Tag("status", c)));
        }
    }
}
