package io.levee.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One task queue as configured under {@code levee.queues.<name>.*}.
 *
 * @param name          the queue name, also its routing key
 * @param maxLength     admission bound ({@code x-max-length}); a full queue rejects publishes
 * @param deliveryLimit how often the broker redelivers a message before dead-lettering it ({@code x-delivery-limit})
 * @param concurrency   consumer sessions for this queue on a worker replica
 * @param prefetch      unacknowledged messages per consumer session
 * @param retryDelays   backoff delays, one retry queue each; attempts beyond them go to the dead-letter queue
 * @param schema        JSON Schema of task bodies, a file path or classpath resource ({@code schema}), if any
 * @param ingestMaxRate tasks per second this replica accepts into the queue ({@code ingest.max-rate}); 0 = no ceiling
 * @param delivery      built-in HTTP delivery ({@code delivery.*}), when the queue has a {@code delivery.url}
 * @param bindings      extra exchanges the queue is bound to ({@code bindings.<name>.*}), besides {@code levee.tasks}
 * @param taskTtl       how long after submission a task without its own deadline may still start ({@code task-ttl})
 * @param maxDelay      the longest delay a submission may ask for ({@code max-delay}); zero refuses delays
 * @param deduplicate   whether repeats of succeeded tasks skip the handler ({@code deduplicate}), when configured
 * @param deduplicateTtl how long a succeeded task id is remembered for that ({@code deduplicate-ttl})
 */
public record QueueSettings(
        String name,
        long maxLength,
        int deliveryLimit,
        int concurrency,
        int prefetch,
        List<Duration> retryDelays,
        Optional<String> schema,
        long ingestMaxRate,
        Optional<DeliverySettings> delivery,
        List<BindingSettings> bindings,
        Optional<Duration> taskTtl,
        Duration maxDelay,
        Optional<Boolean> deduplicate,
        Duration deduplicateTtl) {

    /** The longest {@code max-delay}: the delay ladder's top rung is sized for it. */
    public static final Duration MAX_DELAY_LIMIT = Duration.ofDays(30);

    public QueueSettings {
        retryDelays = List.copyOf(retryDelays);
        bindings = List.copyOf(bindings);
    }

    /** The dead-letter queue that receives this queue's failed tasks. */
    public String deadLetterQueue() {
        return name + ".dlq";
    }
}
