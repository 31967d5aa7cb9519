package io.levee.observability;

import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.QueueState;
import io.levee.messaging.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker's numbers for every configured queue, read on demand but at most once per interval: however often
 * {@code /metrics} is scraped (and by however many scrapers), the broker sees one round of passive declares per
 * interval. A reader that finds the sample fresh, or another reader refreshing it, gets the last values at once. When
 * the broker does not answer the last values stay (and {@code levee.broker.connected} says why they do not move).
 */
final class BrokerSample {

    private static final Logger LOG = Logger.getLogger(BrokerSample.class.getName());

    /** One queue's numbers. */
    record Queue(long depth, long consumers, long deadLetters) {}

    private final Broker broker;
    private final LeveeConfig config;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock refreshing = new ReentrantLock();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private volatile long unroutable;
    private volatile long takenAt;
    private volatile boolean taken;

    BrokerSample(Broker broker, LeveeConfig config, Duration interval, LongSupplier nanoTime) {
        this.broker = broker;
        this.config = config;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A queue's last numbers (zeros before the first sample). */
    Queue queue(String name) {
        refreshIfStale();
        return queues.getOrDefault(name, new Queue(0, 0, 0));
    }

    /** Messages in {@code levee.unroutable}. */
    long unroutable() {
        refreshIfStale();
        return unroutable;
    }

    private void refreshIfStale() {
        if (taken && nanoTime.getAsLong() - takenAt < intervalNanos) {
            return;
        }
        if (!refreshing.tryLock()) {
            return;
        }
        try {
            if (taken && nanoTime.getAsLong() - takenAt < intervalNanos) {
                return;
            }
            takenAt = nanoTime.getAsLong();
            taken = true;
            if (!broker.isUp()) {
                return;
            }
            for (QueueSettings q : config.queues().values()) {
                QueueState state = broker.state(q.name());
                queues.put(q.name(), new Queue(state.depth(), state.consumers(), broker.depth(q.deadLetterQueue())));
            }
            unroutable = broker.depth(Topology.UNROUTABLE);
        } catch (BrokerUnavailableException e) {
            LOG.log(Level.FINE, "cannot sample the broker for metrics; keeping the last values", e);
        } finally {
            refreshing.unlock();
        }
    }
}
