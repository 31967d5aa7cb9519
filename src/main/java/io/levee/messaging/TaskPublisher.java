package io.levee.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.jms.admin.RMQConnectionFactory;
import com.rabbitmq.jms.admin.RMQDestination;
import io.levee.config.PublishSettings;
import io.levee.messaging.PendingConfirm.Outcome;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Confirmed publishing through Jakarta Messaging. A call returns only after the broker confirmed the write.
 *
 * <p>A few JMS sessions ({@code levee.publish.sessions}) on one connection carry every send: each send holds its
 * session only for the send call itself and then waits for its confirm, which {@link PublishingSession} tracks on the
 * channel beneath the session (the JMS client's own confirm tracking is defective: docs/jms-client-defects.md). Many
 * sends are therefore in flight per session and the broker answers them with batched {@code multiple=true} confirms.
 * Every wait has a deadline. A transient failure (closed channel, missed confirm) is retried on another session until
 * the caller's deadline: a retry may duplicate a task, never lose one.
 */
@ApplicationScoped
public class TaskPublisher {

    private static final Logger LOG = Logger.getLogger(TaskPublisher.class.getName());

    private final Broker broker;
    private final PublishSettings settings;
    private final ChannelCapture capture = new ChannelCapture();
    private final AtomicReferenceArray<PublishingSession> sessions;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, RMQDestination> destinations = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder nacked = new LongAdder();
    private final LongAdder confirmTimeouts = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private volatile String blockedReason;
    private Connection connection;
    private boolean closed;

    @Inject
    TaskPublisher(Broker broker) {
        this.broker = broker;
        this.settings = broker.config().publish();
        this.sessions = new AtomicReferenceArray<>(settings.sessions());
    }

    /**
     * Publishes a task to its queue and waits for the broker's confirm.
     *
     * @param task    the task
     * @param timeout how long the caller is willing to wait in total, retries included
     * @throws QueueFullException         the broker refused the task (queue at its maximum length)
     * @throws BrokerUnavailableException no confirm within the timeout, or the broker is unreachable
     */
    public void publish(TaskEnvelope task, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            String blocked = blockedReason;
            if (blocked != null) {
                // A blocked connection accepts writes but never confirms them: fail now instead of at the deadline.
                throw new BrokerUnavailableException("the broker blocks publishing (" + blocked + ")", last);
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new BrokerUnavailableException(
                        "no broker confirm for task " + task.id() + " within " + timeout.toMillis() + " ms"
                                + (last == null ? "" : ": " + last),
                        last);
            }
            PublishingSession session = lockSession();
            PendingConfirm confirm;
            try {
                sent.increment();
                confirm = session.send(task, destination(task));
            } catch (JMSException | RuntimeException e) {
                failedAttempts.increment();
                last = e;
                session.close();
                LOG.log(Level.FINE, "publish attempt failed, retrying on another session", e);
                continue;
            } finally {
                session.unlock();
            }
            Outcome outcome;
            try {
                outcome = confirm.await(
                        Math.min(remaining, settings.confirmTimeout().toNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrokerUnavailableException("interrupted while waiting for a confirm", e);
            }
            if (outcome == null) {
                // A slow broker or a confirm that never comes: the session is suspect either way.
                confirmTimeouts.increment();
                last = new TimeoutException(
                        "no confirm within " + settings.confirmTimeout().toMillis() + " ms");
                session.retire();
                continue;
            }
            switch (outcome) {
                case ACKED -> {
                    confirmed.increment();
                    return;
                }
                case NACKED -> {
                    nacked.increment();
                    throw new QueueFullException(task.queue());
                }
                case FAILED -> {
                    failedAttempts.increment();
                    last = confirm.failure() instanceof Exception e ? e : new IOException(confirm.failure());
                    LOG.log(Level.FINE, "publishing channel failed with the send in flight, retrying", last);
                }
            }
        }
    }

    /** Counts of publish attempts and their outcomes since start, for metrics and the publish benchmarks. */
    public PublishStats stats() {
        return new PublishStats(sent.sum(), confirmed.sum(), nacked.sum(), confirmTimeouts.sum(), failedAttempts.sum());
    }

    /** Whether the broker currently blocks this replica's publishing connection ({@code connection.blocked}). */
    public boolean blocked() {
        return blockedReason != null;
    }

    /** The broker's reason for blocking this replica's publishing connection, empty while it does not. */
    public java.util.Optional<String> blockedReason() {
        return java.util.Optional.ofNullable(blockedReason);
    }

    /** The AMQP channels beneath the sessions that take sends now; fault-injection tests break them. */
    List<Channel> channels() {
        List<Channel> open = new ArrayList<>();
        for (int i = 0; i < sessions.length(); i++) {
            PublishingSession s = sessions.get(i);
            if (s != null && s.accepting()) {
                open.add(s.channel());
            }
        }
        return open;
    }

    /**
     * Where a task goes: its queue through {@value Topology#TASKS}, or, while it is not due, the entry of the delay
     * ladder with a routing key that spells the time left ({@link DelayLadder}; its queue's rungs must exist).
     */
    private RMQDestination destination(TaskEnvelope task) {
        long wait = task.notBefore() - System.currentTimeMillis();
        if (task.notBefore() > 0 && wait > 0) {
            String key = DelayLadder.routingKey(task.queue(), Duration.ofMillis(wait));
            return new RMQDestination(key, DelayLadder.entry(), key, null);
        }
        return destination(task.queue());
    }

    private RMQDestination destination(String queue) {
        return destinations.computeIfAbsent(queue, q -> new RMQDestination(q, Topology.TASKS, q, q));
    }

    /**
     * A session that accepts sends, its send lock held: a free one if there is one (starting at a rotating index, so
     * the load spreads), else the next in turn once its current send is done.
     */
    private PublishingSession lockSession() {
        int n = sessions.length();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            PublishingSession s = usable(Math.floorMod(start + i, n));
            if (s.tryLock()) {
                if (s.accepting()) {
                    return s;
                }
                s.unlock();
            }
        }
        while (true) {
            PublishingSession s = usable(start);
            s.lock();
            if (s.accepting()) {
                return s;
            }
            s.unlock();
        }
    }

    /** The session in a slot, opened (or replaced when retired or closed) on demand. */
    private PublishingSession usable(int slot) {
        PublishingSession s = sessions.get(slot);
        if (s != null && s.accepting()) {
            return s;
        }
        synchronized (this) {
            s = sessions.get(slot);
            if (s != null && s.accepting()) {
                return s;
            }
            try {
                s = PublishingSession.open(
                        connection(), capture, settings.sessionMaxSends(), settings.confirmTimeout());
            } catch (JMSException | IOException | RuntimeException e) {
                resetConnection();
                throw new BrokerUnavailableException(
                        "cannot open a publishing session on " + broker.redacted() + ": " + e.getMessage(), e);
            }
            sessions.set(slot, s);
            return s;
        }
    }

    private synchronized Connection connection() throws JMSException {
        if (closed) {
            throw new JMSException("the publisher is closed");
        }
        if (connection == null) {
            RMQConnectionFactory factory = broker.jmsFactory();
            factory.setMetricsCollector(capture);
            factory.setAmqpConnectionPostProcessor(amqp -> amqp.addBlockedListener(
                    reason -> blockedReason = reason == null || reason.isBlank() ? "connection.blocked" : reason,
                    () -> blockedReason = null));
            Connection c = factory.createConnection();
            c.setExceptionListener(e -> {
                LOG.log(Level.WARNING, "publishing connection failed; reconnecting on next publish", e);
                resetConnection();
            });
            connection = c;
        }
        return connection;
    }

    private synchronized void resetConnection() {
        Connection c = connection;
        connection = null;
        blockedReason = null;
        for (int i = 0; i < sessions.length(); i++) {
            PublishingSession s = sessions.getAndSet(i, null);
            if (s != null) {
                Thread.ofVirtual().start(s::close);
            }
        }
        if (c != null) {
            Thread.ofVirtual().start(() -> closeQuietly(c));
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        for (int i = 0; i < sessions.length(); i++) {
            PublishingSession s = sessions.getAndSet(i, null);
            if (s != null) {
                s.close();
            }
        }
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.FINE, "closing publishing connection", e);
        }
    }
}
