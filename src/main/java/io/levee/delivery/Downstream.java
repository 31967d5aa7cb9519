package io.levee.delivery;

import io.levee.config.DeliverySettings;
import io.levee.limits.RateLimit;
import io.levee.limits.RateLimitListener;
import io.levee.limits.RateLimitSettings;
import io.levee.limits.RateLimiter;
import io.levee.limits.RuntimeLimits;
import io.levee.worker.TaskContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One downstream URL and the pace it is held to: at most {@code maxRate} request starts per second, spaced evenly
 * (a SMOOTH limit, so a backlog never arrives as a burst), and at most {@code maxInFlight} unanswered requests. Both
 * follow the queue's {@link RuntimeLimits} when an operator changes them.
 */
final class Downstream {

    /** A consumer waits this long at most for its turn; then the task goes back to the broker, no attempt used. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final String queue;
    private final DeliverySettings settings;
    private final HttpClient client;
    private final RateLimitListener listener;
    private volatile RateLimiter pace;
    private final InFlight inFlight;
    private final AtomicBoolean firstRequest = new AtomicBoolean(true);
    private final CountDownLatch firstAnswered = new CountDownLatch(1);

    Downstream(
            String queue,
            DeliverySettings settings,
            HttpClient client,
            RateLimitListener listener,
            RuntimeLimits limits) {
        this.queue = queue;
        this.settings = settings;
        this.client = client;
        this.listener = listener;
        this.pace = pace(limits.deliveryMaxRate(queue, settings.maxRate()));
        this.inFlight = new InFlight(limits.deliveryMaxInFlight(queue, settings.maxInFlight()));
        limits.onChange((q, changed) -> {
            if (q.equals(queue)) {
                pace = pace(limits.deliveryMaxRate(queue, settings.maxRate()));
                inFlight.resize(limits.deliveryMaxInFlight(queue, settings.maxInFlight()));
            }
        });
    }

    /** Request starts spaced evenly at {@code rate} per second (a rate below 1/s spaces them further apart). */
    private RateLimiter pace(double rate) {
        long perMinute = Math.max(1, Math.round(rate * 60));
        boolean whole = perMinute % 60 == 0;
        return new RateLimiter(
                "delivery:" + queue,
                new RateLimitSettings(
                        whole ? (int) (perMinute / 60) : (int) perMinute,
                        whole ? Duration.ofSeconds(1) : Duration.ofMinutes(1),
                        Duration.ZERO,
                        RateLimit.Type.SMOOTH,
                        RateLimit.Mode.WAIT,
                        MAX_WAIT),
                listener);
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
    void deliver(byte[] payload, TaskContext task) throws InterruptedException {
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

    private void send(byte[] payload, TaskContext task) throws InterruptedException {
        pace.acquire();
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
        if (task.traceparent() != null) {
            request.header("traceparent", task.traceparent());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DownstreamUnavailableException(
                    "delivery of task " + task.taskId() + " to " + settings.url() + " failed: " + e, e);
        }
        classify(response.statusCode(), task.taskId(), abbreviated(response.body()));
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

    private void classify(int status, String taskId, String body) {
        if (status >= 200 && status < 300) {
            return;
        }
        String message = "downstream " + settings.url() + " answered " + status + " for task " + taskId
                + (body.isEmpty() ? "" : ": " + body);
        if (status == 408 || status == 429 || status >= 500) {
            throw new DownstreamUnavailableException(message);
        }
        throw new DownstreamRejectedException(message);
    }

    private static String abbreviated(String body) {
        String line = body == null ? "" : body.strip();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
