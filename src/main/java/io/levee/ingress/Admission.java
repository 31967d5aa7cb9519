package io.levee.ingress;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.QueueFullException;
import io.levee.messaging.TaskPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Admission control, in front of and behind the broker: a per-queue ingest ceiling
 * ({@code levee.queues.<q>.ingest.max-rate}, a bucket4j token bucket per replica) answered 429, and the broker's own
 * refusals turned into 429/503 with a {@code Retry-After} a client can act on.
 */
@ApplicationScoped
public class Admission {

    /** Retry-After when the broker cannot be reached or did not confirm in time: soon, the cause is often brief. */
    static final int RETRY_AFTER_UNAVAILABLE = 2;
    /** Retry-After while the broker blocks publishers (memory or disk alarm): alarms clear slowly. */
    static final int RETRY_AFTER_BLOCKED = 10;

    private final Map<String, Bucket> ceilings = new HashMap<>();
    private final QueueRates rates;
    private final TaskPublisher publisher;

    @Inject
    Admission(LeveeConfig config, QueueRates rates, TaskPublisher publisher) {
        this.rates = rates;
        this.publisher = publisher;
        for (QueueSettings q : config.queues().values()) {
            if (q.ingestMaxRate() > 0) {
                ceilings.put(
                        q.name(),
                        Bucket.builder()
                                .addLimit(Bandwidth.builder()
                                        .capacity(q.ingestMaxRate())
                                        .refillGreedy(q.ingestMaxRate(), Duration.ofSeconds(1))
                                        .build())
                                .build());
            }
        }
    }

    /** Takes {@code tasks} from the queue's ingest ceiling, or refuses with 429 and the seconds until they refill. */
    void admit(String queue, int tasks) {
        Bucket bucket = ceilings.get(queue);
        if (bucket == null) {
            return;
        }
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
