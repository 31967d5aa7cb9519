package io.levee.messaging;

import com.rabbitmq.jms.admin.RMQConnectionFactory;
import com.rabbitmq.jms.admin.RMQDestination;
import io.levee.config.PublishSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Confirmed publishing through Jakarta Messaging. A call returns only after the broker confirmed the write.
 *
 * <p>Designed around two defects of rabbitmq-jms 3.7.0's confirm tracking (docs/jms-client-defects.md): each pooled
 * session has at most one send in flight and is held by its caller until that send's completion, and a session is
 * replaced after {@code levee.publish.session-max-sends} sends; every wait has a deadline. A transient failure
 * (closed channel, missed confirm) is retried on another session until the caller's deadline: a retry may
 * duplicate a task, never lose one.
 */
@ApplicationScoped
public class TaskPublisher {

    private static final Logger LOG = Logger.getLogger(TaskPublisher.class.getName());

    private final Broker broker;
    private final PublishSettings settings;
    private final Semaphore permits;
    private final Deque<PooledSession> idle = new ConcurrentLinkedDeque<>();
    private final Map<String, RMQDestination> destinations = new java.util.concurrent.ConcurrentHashMap<>();
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
        this.permits = new Semaphore(settings.sessions());
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
            PooledSession session = acquire(remaining);
            if (session == null) {
                continue;
            }
            try {
                sent.increment();
                session.send(
                        task,
                        destination(task.queue()),
                        Math.min(remaining, settings.confirmTimeout().toNanos()));
                confirmed.increment();
                release(session);
                return;
            } catch (NackedException e) {
                nacked.increment();
                release(session);
                throw new QueueFullException(task.queue());
            } catch (TimeoutException e) {
                // Either a slow broker or the JMS client lost the completion; the session is suspect either way.
                confirmTimeouts.increment();
                last = e;
                discard(session);
                LOG.log(Level.FINE, "no confirm within the session deadline, retrying on another session", e);
            } catch (JMSException | RuntimeException e) {
                failedAttempts.increment();
                last = e;
                discard(session);
                LOG.log(Level.FINE, "publish attempt failed, retrying on another session", e);
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

    private RMQDestination destination(String queue) {
        return destinations.computeIfAbsent(queue, q -> new RMQDestination(q, Topology.TASKS, q, q));
    }

    private PooledSession acquire(long timeoutNanos) {
        try {
            if (!permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for a publisher session", e);
        }
        PooledSession s = idle.pollFirst();
        if (s != null) {
            return s;
        }
        try {
            return new PooledSession(connection());
        } catch (JMSException | RuntimeException e) {
            permits.release();
            resetConnection();
            throw new BrokerUnavailableException(
                    "cannot open a publishing session on " + broker.redacted() + ": " + e.getMessage(), e);
        }
    }

    private void release(PooledSession session) {
        if (session.sends >= settings.sessionMaxSends()) {
            discard(session);
            return;
        }
        idle.addFirst(session);
        permits.release();
    }

    private void discard(PooledSession session) {
        permits.release();
        Thread.ofVirtual().start(session::close);
    }

    private synchronized Connection connection() throws JMSException {
        if (closed) {
            throw new JMSException("the publisher is closed");
        }
        if (connection == null) {
            RMQConnectionFactory factory = broker.jmsFactory();
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
        PooledSession s;
        while ((s = idle.pollFirst()) != null) {
            PooledSession stale = s;
            Thread.ofVirtual().start(stale::close);
        }
        if (c != null) {
            Thread.ofVirtual().start(() -> closeQuietly(c));
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        idle.forEach(PooledSession::close);
        idle.clear();
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

    /** The broker refused a message (publisher nack). */
    private static final class NackedException extends Exception {
        NackedException(Exception cause) {
            super(cause);
        }
    }

    /** One session with one unidentified producer; used by one caller at a time, one send in flight. */
    private static final class PooledSession {
        private final Session session;
        private final MessageProducer producer;
        private int sends;

        PooledSession(Connection connection) throws JMSException {
            this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            this.producer = session.createProducer(null);
        }

        void send(TaskEnvelope task, RMQDestination destination, long timeoutNanos)
                throws JMSException, TimeoutException, NackedException {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(task.body());
            for (Map.Entry<String, Object> h : task.headers().entrySet()) {
                m.setObjectProperty(h.getKey(), h.getValue());
            }
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            sends++;
            producer.send(destination, m, new CompletionListener() {
                @Override
                public void onCompletion(Message message) {
                    confirmed.complete(null);
                }

                @Override
                public void onException(Message message, Exception exception) {
                    confirmed.completeExceptionally(exception);
                }
            });
            try {
                confirmed.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new NackedException((Exception) e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JMSException("interrupted while waiting for a confirm");
            }
        }

        void close() {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                LOG.log(Level.FINE, "closing publishing session", e);
            }
        }
    }
}
