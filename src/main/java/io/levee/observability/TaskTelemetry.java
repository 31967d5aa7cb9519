package io.levee.observability;

import io.levee.config.LeveeConfig;
import io.levee.config.ObservabilitySettings;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The worker's metrics and, with tracing on, a span per handling attempt. Metrics: {@code levee.tasks.handled} (by outcome), {@code levee.handler.duration},
 * {@code levee.task.wait} (submission to attempt start: the number to scale workers on) and
 * {@code levee.tasks.in.flight}. Every configured queue's meters are registered at startup.
 */
@ApplicationScoped
public class TaskTelemetry implements TaskListener {

    private final MetricRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();
    private final Optional<Tracer> tracer;
    private final TaskLog taskLog;
    private final ScheduledExecutorService summaries;

    @Inject
    TaskTelemetry(
            @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
            LeveeConfig config,
            Tracing tracing,
            ObservabilitySettings settings) {
        this.registry = registry;
        this.tracer = tracing.tracer();
        this.taskLog = new TaskLog(clock, settings.taskLinesPerSecond());
        config.queues().keySet().forEach(this::meters);
        if (taskLog.summarises()) {
            summaries = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("levee-task-log").daemon().factory());
            var unused = summaries.scheduleAtFixedRate(taskLog::flush, 1, 1, TimeUnit.SECONDS);
        } else {
            summaries = null;
        }
    }

    /** The last summary: outcomes counted since the previous one are written before the process ends. */
    @PreDestroy
    void stop() {
        if (summaries != null) {
            summaries.shutdownNow();
            taskLog.flush();
        }
    }

    /** Created at startup rather than at the first task, so that every queue's meters read 0 from the start. */
    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // The constructor registered them.
    }

    @Override
    public Attempt started(TaskContext task) {
        QueueMeters m = meters(task.queue());
        long submittedAt = task.submittedAt().toEpochMilli();
        if (submittedAt > 0) {
            m.waited().update(Duration.ofMillis(Math.max(0, clock.millis() - submittedAt)));
        }
        m.inFlight().incrementAndGet();
        Span span = tracer.map(t -> span(t, task)).orElse(null);
        return new Attempt() {
            @Override
            public String traceparent(String submitted) {
                return span == null ? submitted : Tracing.traceparent(span);
            }

            @Override
            public void finished(Outcome outcome, Throwable failure, long handlerNanos) {
                taskLog.outcome(task, outcome, failure, handlerNanos);
                m.inFlight().decrementAndGet();
                m.handled().get(outcome).inc();
                if (handlerNanos > 0) {
                    m.duration().update(Duration.ofNanos(handlerNanos));
                }
                if (span != null) {
                    span.setAttribute(Tracing.OUTCOME, outcome.tag());
                    if (failure != null) {
                        span.recordException(failure);
                    }
                    if (outcome == Outcome.RETRIED || outcome == Outcome.DEAD_LETTERED) {
                        span.setStatus(StatusCode.ERROR, String.valueOf(failure));
                    }
                    span.end();
                }
            }

            @Override
            public void abandoned(Throwable cause) {
                m.inFlight().decrementAndGet();
                if (span != null) {
                    span.recordException(cause);
                    span.setStatus(StatusCode.ERROR, "outcome not recorded; the broker delivers the task again");
                    span.end();
                }
            }
        };
    }

    /**
     * The span of one handling attempt: a trace of its own, linked to the submission it handles (the publish span
     * whose context the task carries), as a consumer of a queue is not part of the request that filled it.
     */
    private static Span span(Tracer tracer, TaskContext task) {
        SpanBuilder span = tracer.spanBuilder("process " + task.queue())
                .setSpanKind(SpanKind.CONSUMER)
                .setNoParent()
                .setAttribute(Tracing.QUEUE, task.queue())
                .setAttribute(Tracing.TASK_ID, task.taskId())
                .setAttribute(Tracing.ATTEMPT, (long) task.attempt())
                .setAttribute(Tracing.MESSAGE_ID, task.taskId())
                .setAttribute(Tracing.MESSAGING_SYSTEM, "rabbitmq")
                .setAttribute(Tracing.DESTINATION, task.queue());
        Tracing.parse(task.traceparent()).ifPresent(span::addLink);
        return span.startSpan();
    }

    private QueueMeters meters(String queue) {
        return queues.computeIfAbsent(queue, q -> {
            Tag tag = new Tag("queue", q);
            Map<Outcome, Counter> handled = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                handled.put(o, registry.counter(MetricNames.TASKS_HANDLED, tag, new Tag("outcome", o.tag())));
            }
            AtomicLong inFlight = new AtomicLong();
            registry.gauge(MetricNames.TASKS_IN_FLIGHT, inFlight, AtomicLong::get, tag);
            return new QueueMeters(
                    handled,
                    registry.timer(MetricNames.HANDLER_DURATION, tag),
                    registry.timer(MetricNames.TASK_WAIT, tag),
                    inFlight);
        });
    }

    private record QueueMeters(Map<Outcome, Counter> handled, Timer duration, Timer waited, AtomicLong inFlight) {}
}
