package io.levee.observability;

import io.levee.config.ObservabilitySettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The OpenTelemetry SDK, when {@code levee.tracing.otlp-endpoint} is set: spans go to that OTLP/HTTP endpoint (or to
 * an application's own {@link SpanExporter} bean, when it has one), batched. Off by default, and then nothing of the
 * SDK is created and {@link #tracer()} is empty. The hot paths never see this class: the listeners in this package
 * make the spans.
 */
@ApplicationScoped
public class Tracing {

    /** Span attributes Levee sets. */
    static final AttributeKey<String> QUEUE = AttributeKey.stringKey("levee.queue");

    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("levee.task.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("levee.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("levee.outcome");
    static final AttributeKey<String> REJECTED = AttributeKey.stringKey("levee.rejected.reason");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());
    private static final Pattern TRACEPARENT =
            Pattern.compile("00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})");

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    /** For CDI's proxy. */
    Tracing() {
        this.provider = null;
        this.tracer = null;
    }

    @Inject
    Tracing(ObservabilitySettings settings, Instance<SpanExporter> exporters) {
        if (!settings.tracing()) {
            this.provider = null;
            this.tracer = null;
            return;
        }
        SpanExporter exporter = exporters.isResolvable()
                ? exporters.get()
                : OtlpHttpSpanExporter.builder()
                        .setEndpoint(settings.otlpEndpoint()
                                .orElseThrow()
                                .resolve("/v1/traces")
                                .toString())
                        .build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(
                                Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(Duration.ofMillis(500))
                        .build())
                .build();
        this.tracer = provider.get("io.levee");
        LOG.info(() -> "Exporting spans to " + settings.otlpEndpoint().orElseThrow());
    }

    /** The tracer, empty while tracing is off. */
    Optional<Tracer> tracer() {
        return Optional.ofNullable(tracer);
    }

    /** A W3C {@code traceparent} as a remote span context, or empty when it is absent or malformed. */
    static Optional<SpanContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var m = TRACEPARENT.matcher(traceparent);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(SpanContext.createFromRemoteParent(
                m.group(1), m.group(2), TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault()));
    }

    /** The {@code traceparent} that makes a span the parent of what receives it. */
    static String traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-"
                + c.getTraceFlags().asHex();
    }

    @PreDestroy
    void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
