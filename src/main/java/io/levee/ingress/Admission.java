package io.levee.ingress;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.levee.config.Beans;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.QueueFullException;
import io.levee.messaging.TaskPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admission control, in front of and behind the broker: a per-queue ingest ceiling
 * ({@code levee.queues.<q>.ingest.max-rate}, or the one an operator set at runtime through {@link ControlPlane}; a
 * bucket4j token bucket per replica) answered 429, and the broker's own refusals turned into 429/503 with a
 * {@code Retry-After} a client can act on.
 */
@ApplicationScoped
public class Admission {

    /** Retry-After when the broker cannot be reached or did not confirm in time: soon, the cause is often brief. */
    static final int RETRY_AFTER_UNAVAILABLE = 2;
    /** Retry-After while the broker blocks publishers (memory or disk alarm): alarms clear slowly. */
    static final int RETRY_AFTER_BLOCKED = 10;

    /** A queue's ingest bucket and the rate it was built for. */
    private record Ceiling(long rate, Bucket bucket) {}

    private final Map<String, Long> configured = new HashMap<>();
    private final Map<String, Ceiling> ceilings = new ConcurrentHashMap<>();
    private final QueueRates rates;
    private final TaskPublisher publisher;
    private final ControlPlane control;

    @Inject
    Admission(LeveeConfig config, QueueRates rates, TaskPublisher publisher, ControlPlane control) {
        this.rates = Beans.direct(rates);
        this.publisher = Beans.direct(publisher);
        this.control = Beans.direct(control);
        for (QueueSettings q : config.queues().values()) {
            configured.put(q.name(), q.ingestMaxRate());
        }
    }

    /** The queue's ingest ceiling in tasks/s on this replica, 0 when it has none. */
    long ingestMaxRate(String queue) {
        Long runtime = control.control(queue).ingestMaxRate();
        return runtime != null ? runtime : configured.getOrDefault(queue, 0L);
    }

    /** Takes {@code tasks} from the queue's ingest ceiling, or refuses with 429 and the seconds until they refill. */
    void admit(String queue, int tasks) {
        long rate = ingestMaxRate(queue);
        if (rate <= 0) {
            return;
        }
        Bucket bucket = ceilings.compute(queue, (q, c) -> c != null && c.rate() == rate ? c : ceiling(rate))
                .bucket();
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tasks);
        if (!probe.isConsumed()) {
            long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
            throw new ProblemException(
                    ProblemType.RATE_LIMITED,
                    "queue '" + queue + "' is at its ingest ceiling; " + probe.getRemainingTokens()
                            + " task(s) may be submitted now",
                    QueueRates.bounded((double) seconds));
        }
    }

    private static Ceiling ceiling(long rate) {
        return new Ceiling(
                rate,
                Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(rate)
                                .refillGreedy(rate, Duration.ofSeconds(1))
                                .build())
                        .build());
    }

    /** The 429 for a task the broker refused because its queue is full. */
    ProblemException queueFull(QueueFullException e) {
        return new ProblemException(ProblemType.QUEUE_FULL, e.getMessage(), rates.retryAfterFull(e.queue()));
    }

    /** The 503 for a publish that failed: unreachable, blocked, or no confirm within the deadline. */
    ProblemException unavailable(BrokerUnavailableException e) {
        boolean blocked = publisher.blocked();
        return new ProblemException(
                ProblemType.BROKER_UNAVAILABLE,
                blocked
                        ? "the broker blocks publishing (resource alarm); nothing was stored"
                        : "the broker did not confirm the task; it may or may not have been stored, retry with the same"
                                + " Idempotency-Key",
                blocked ? RETRY_AFTER_BLOCKED : RETRY_AFTER_UNAVAILABLE);
    }
}
