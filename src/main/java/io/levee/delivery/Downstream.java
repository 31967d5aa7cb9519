package io.levee.delivery;

import io.levee.config.DeliverySettings;
import io.levee.limits.AdaptivePace;
import io.levee.limits.PaceListener;
import io.levee.limits.PermitBudget;
import io.levee.limits.RuntimeLimits;
import io.levee.worker.TaskContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One downstream URL and the pace it is held to: at most {@code maxRate} request starts per second, spaced evenly
 * (so a backlog never arrives as a burst), and at most {@code maxInFlight} unanswered requests. Both follow the
 * queue's {@link RuntimeLimits} when an operator changes them. Below {@code maxRate} the {@link AdaptivePace} sets
 * the rate from the downstream's latency and answers, and stops sending while its circuit is open.
 */
final class Downstream {

    /** A consumer waits this long at most for its turn; then the task goes back to the broker, no attempt used. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final String queue;
    private final DeliverySettings settings;
    private final HttpClient client;
    private final AdaptivePace pace;
    private final DeliveryListener deliveries;
    private final InFlight inFlight;
    private final AtomicBoolean firstRequest = new AtomicBoolean(true);
    private final CountDownLatch firstAnswered = new CountDownLatch(1);

    Downstream(
            String queue,
            DeliverySettings settings,
            HttpClient client,
            PermitBudget budget,
            PaceListener listener,
            DeliveryListener deliveries,
            RuntimeLimits limits) {
        this.queue = queue;
        this.deliveries = deliveries;
        this.settings = settings;
        this.client = client;
        this.pace = new AdaptivePace(
                queue,
                limits.deliveryMaxRate(queue, settings.maxRate()),
                settings.adaptive(),
                settings.circuit(),
                budget,
                Downstream::downstreamFailed,
                listener,
                MAX_WAIT);
        this.inFlight = new InFlight(limits.deliveryMaxInFlight(queue, settings.maxInFlight()));
        limits.onChange((q, changed) -> {
            if (q.equals(queue)) {
                pace.maxRate(limits.deliveryMaxRate(queue, settings.maxRate()));
                inFlight.resize(limits.deliveryMaxInFlight(queue, settings.maxInFlight()));
            }
        });
    }

    AdaptivePace pace() {
        return pace;
    }

    /**
     * What counts against the circuit: the downstream not answering, or answering 408 or 5xx. A 429 is the
     * downstream pacing us (the rate is cut instead); a 4xx is the task's fault.
     */
    static boolean downstreamFailed(Throwable t) {
        return t instanceof DownstreamUnavailableException
                && !(t instanceof DownstreamThrottledException throttled && throttled.status() == 429);
    }

    /** A semaphore whose number of permits an operator can change while requests hold some. */
    private static final class InFlight extends Semaphore {
        private int size;

        InFlight(int size) {
            super(size);
            this.size = size;
        }

        synchronized void resize(int next) {
            if (next > size) {
                release(next - size);
            } else if (next < size) {
                reducePermits(size - next);
            }
            size = next;
        }
    }

    /**
     * POSTs one task and classifies the answer: 2xx returns; 408, 429, 5xx, timeouts and connection errors throw
     * {@link DownstreamUnavailableException} (retried); any other status throws {@link DownstreamRejectedException}
     * (dead-lettered).
     */
    void deliver(byte[] payload, TaskContext task) throws Exception {
        inFlight.acquire();
        try {
            // The first request of a fresh client pays for class loading and connecting (~100 ms here). Sessions
            // that took their pace permits meanwhile would all reach the downstream in one bunch when it is done,
            // above max-rate (measured: 109 in the first second at 100/s). Holding them until the first request is
            // answered costs one round trip, once.
            boolean first = firstRequest.compareAndSet(true, false);
            if (!first) {
                firstAnswered.await();
            }
            try {
                send(payload, task);
            } finally {
                if (first) {
                    firstAnswered.countDown();
                }
            }
        } finally {
            inFlight.release();
        }
    }

    private void send(byte[] payload, TaskContext task) throws Exception {
        pace.call(() -> post(payload, task));
    }

    private void post(byte[] payload, TaskContext task) throws InterruptedException {
        DeliveryListener.Request observed =
                deliveries.sending(queue, task.taskId(), task.attempt(), task.traceparent());
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(timeout(settings.timeout(), task))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", task.taskId())
                .header("Levee-Task-Id", task.taskId())
                .header("Levee-Queue", queue)
                .header("Levee-Attempt", Integer.toString(task.attempt()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (task.requestId() != null) {
            request.header("X-Request-Id", task.requestId());
        }
        if (observed.traceparent() != null) {
            request.header("traceparent", observed.traceparent());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            observed.failed(e);
            throw e;
        } catch (IOException e) {
            observed.failed(e);
            throw new DownstreamUnavailableException(
                    "delivery of task " + task.taskId() + " to " + settings.url() + " failed: " + e, e);
        }
        observed.answered(response.statusCode());
        classify(response, task.taskId());
    }

    /**
     * The configured timeout, shortened to the time the task has left before its deadline (at least 1 ms: a request
     * timeout must be positive, and one that ran out while waiting for the pace fails as a timeout and is retried,
     * and then expires).
     */
    static Duration timeout(Duration configured, TaskContext task) {
        return task.remaining()
                .map(left -> left.compareTo(configured) < 0 ? left : configured)
                .map(d -> d.isZero() ? Duration.ofMillis(1) : d)
                .orElse(configured);
    }

    private void classify(HttpResponse<String> response, String taskId) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String body = abbreviated(response.body());
        String message = "downstream " + settings.url() + " answered " + status + " for task " + taskId
                + (body.isEmpty() ? "" : ": " + body);
        if (status == 408 || status == 429 || status >= 500) {
            Optional<Duration> retryAfter =
                    response.headers().firstValue("Retry-After").flatMap(Downstream::retryAfter);
            if (status == 429 || retryAfter.isPresent()) {
                throw new DownstreamThrottledException(message, status, retryAfter);
            }
            throw new DownstreamUnavailableException(message);
        }
        throw new DownstreamRejectedException(message);
    }

    /** A {@code Retry-After} in seconds or as an HTTP date; empty when it is neither. */
    static Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(
                        ZonedDateTime.now(ZoneOffset.UTC),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String abbreviated(String body) {
        String line = body == null ? "" : body.strip();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
