package io.levee.ingress;

import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per queue: tasks this replica accepted, and a {@link RateWindow} sampled every {@value #SAMPLE_SECONDS} s from
 * the broker's depth. Feeds {@code GET /v1/queues} and the {@code Retry-After} of a full queue. Sampling runs on
 * one daemon thread so a request never waits for the broker to learn a rate.
 */
@ApplicationScoped
public class QueueRates {

    static final int SAMPLE_SECONDS = 2;
    /** Bounds of every Retry-After Levee answers. */
    static final int MIN_RETRY_AFTER = 1;

    static final int MAX_RETRY_AFTER = 60;

    private static final Logger LOG = Logger.getLogger(QueueRates.class.getName());

    private final LeveeConfig config;
    private final Broker broker;
    private final Map<String, LongAdder> ingested = new ConcurrentHashMap<>();
    private final Map<String, RateWindow> windows = new ConcurrentHashMap<>();
    private ScheduledExecutorService sampler;
    private ScheduledFuture<?> sampling;

    @Inject
    QueueRates(LeveeConfig config, Broker broker) {
        this.config = config;
        this.broker = broker;
        for (String q : config.queues().keySet()) {
            ingested.put(q, new LongAdder());
            windows.put(q, new RateWindow(config.ingest().rateWindow().toNanos()));
        }
    }

    synchronized void start(@Observes BrokerReady ready) {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("levee-rates").factory());
            sampling = sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (sampler != null) {
            sampling.cancel(false);
            sampler.shutdownNow();
        }
    }

    /** Counts tasks accepted into a queue. */
    void accepted(String queue, int tasks) {
        ingested.get(queue).add(tasks);
    }

    /** Tasks/s this replica accepted into the queue over the rate window. */
    double ingestRate(String queue) {
        RateWindow w = windows.get(queue);
        synchronized (w) {
            return w.ingestRate();
        }
    }

    /** Tasks/s leaving the queue over the rate window (an estimate; see {@link RateWindow}). */
    double drainRate(String queue) {
        RateWindow w = windows.get(queue);
        synchronized (w) {
            return w.drainRate();
        }
    }

    /**
     * Seconds a client should wait after the queue refused a task for being full: the time the observed drain rate
     * needs to bring the queue back to 90 % of its maximum length, within 1–60 s; 60 when nothing drains.
     */
    int retryAfterFull(String queue) {
        QueueSettings q = config.queues().get(queue);
        RateWindow w = windows.get(queue);
        long depth;
        double drain;
        synchronized (w) {
            depth = w.depth() < 0 ? q.maxLength() : w.depth();
            drain = w.drainRate();
        }
        return retryAfter(Math.max(depth, q.maxLength()) - q.maxLength() * 0.9, drain);
    }

    /** {@code ceil(excess / drainRate)} bounded to 1–60 s. */
    static int retryAfter(double excessTasks, double drainRate) {
        if (drainRate <= 0) {
            return MAX_RETRY_AFTER;
        }
        return bounded(Math.ceil(Math.max(0, excessTasks) / drainRate));
    }

    /** A Retry-After in whole seconds within 1–60 s. */
    static int bounded(double seconds) {
        return (int) Math.max(MIN_RETRY_AFTER, Math.min(MAX_RETRY_AFTER, seconds));
    }

    private void sample() {
        if (!broker.isUp()) {
            return;
        }
        for (Map.Entry<String, RateWindow> e : windows.entrySet()) {
            try {
                long depth = broker.depth(e.getKey());
                long now = System.nanoTime();
                synchronized (e.getValue()) {
                    e.getValue().record(now, depth, ingested.get(e.getKey()).sum());
                }
            } catch (RuntimeException ex) {
                LOG.log(Level.FINE, "cannot sample depth of " + e.getKey(), ex);
            }
        }
    }
}
