package io.levee.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.messaging.PendingConfirm.Outcome;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JMS session that carries many sends in flight. Sends are serialised (a JMS session is single-threaded); the
 * wait for each confirm is not. Confirms are tracked here, on the AMQP channel beneath the session, by publish
 * sequence number, honouring {@code multiple=true}: the JMS client's own tracking loses completions and slows down
 * with the session's age (docs/jms-client-defects.md), so its confirm listener is removed from the channel.
 *
 * <p>The client still records every publish of a session in a map that only its (removed) listener would empty, so a
 * session is retired after {@code maxSends} sends and closed once its last confirm arrived: that bounds the map.
 */
final class PublishingSession {

    private static final Logger LOG = Logger.getLogger(PublishingSession.class.getName());

    /** The task being sent on this thread, read by the connection factory's properties customiser. */
    static final ScopedValue<TaskEnvelope> OUTGOING = ScopedValue.newInstance();

    private final Session session;
    private final MessageProducer producer;
    private final Channel channel;
    /**
     * The one message this session sends, refilled for every task. The JMS client keeps a reference to every message
     * a session sent until the session closes (note 5 in docs/jms-client-defects.md): with a new message per send it
     * kept up to {@code session-max-sends} bodies alive per session, which the heap had to carry and copy.
     */
    private final TaskBytesMessage message = new TaskBytesMessage();

    private final int maxSends;
    private final Duration closeGrace;
    private final ReentrantLock sending = new ReentrantLock();
    /** Sends awaiting their confirm, in sequence order; guarded by itself. */
    private final ArrayDeque<PendingConfirm> pending = new ArrayDeque<>();

    private final CountDownLatch drained = new CountDownLatch(1);
    private int sends;
    private volatile boolean accepting = true;
    private volatile boolean retired;

    private PublishingSession(
            Session session, MessageProducer producer, Channel channel, int maxSends, Duration closeGrace)
            throws JMSException {
        this.session = session;
        this.producer = producer;
        this.channel = channel;
        this.maxSends = maxSends;
        this.closeGrace = closeGrace;
    }

    /**
     * Opens a session on the connection and puts its channel in confirm mode with Levee's tracking.
     *
     * @param closeGrace how long a retired session waits for its outstanding confirms before it is closed anyway
     */
    static PublishingSession open(Connection connection, ChannelCapture capture, int maxSends, Duration closeGrace)
            throws JMSException, IOException {
        ChannelCapture.Opened<Session> opened =
                capture.capture(() -> connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
        Session session = opened.value();
        try {
            Channel channel = opened.channel();
            // The client's listener would walk its defective bookkeeping on every confirm; Levee tracks them below.
            channel.clearConfirmListeners();
            channel.confirmSelect();
            PublishingSession s =
                    new PublishingSession(session, session.createProducer(null), channel, maxSends, closeGrace);
            channel.addConfirmListener(
                    (tag, multiple) -> s.settle(tag, multiple, Outcome.ACKED),
                    (tag, multiple) -> s.settle(tag, multiple, Outcome.NACKED));
            // Called at once when the channel is already closed.
            channel.addShutdownListener(s::channelClosed);
            return s;
        } catch (IOException | JMSException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** The AMQP channel beneath the session. */
    Channel channel() {
        return channel;
    }

    /** Whether new sends may go to this session. */
    boolean accepting() {
        return accepting;
    }

    /** Tries to take the send lock without waiting; the caller then sends and unlocks. */
    boolean tryLock() {
        return sending.tryLock();
    }

    /** Takes the send lock, waiting for the send in progress. */
    void lock() {
        sending.lock();
    }

    void unlock() {
        sending.unlock();
    }

    /**
     * Sends one task; the caller holds the send lock. Returns at once with the confirm to wait for.
     *
     * @throws JMSException the session cannot send (closed, channel failed)
     */
    PendingConfirm send(TaskEnvelope task, Destination destination) throws JMSException {
        if (!accepting) {
            throw new JMSException("the publishing session is closed or retired");
        }
        TaskBytesMessage m = message;
        m.refill(task.body());
        PendingConfirm confirm = new PendingConfirm(channel.getNextPublishSeqNo());
        synchronized (pending) {
            pending.addLast(confirm);
        }
        try {
            ScopedValue.where(OUTGOING, task).call(() -> {
                producer.send(destination, m);
                return null;
            });
        } catch (JMSException | RuntimeException e) {
            synchronized (pending) {
                pending.remove(confirm);
            }
            throw e;
        }
        if (++sends >= maxSends) {
            retire();
        }
        return confirm;
    }

    /** Takes no new sends and closes the session once its outstanding confirms arrived (or the grace ran out). */
    void retire() {
        accepting = false;
        if (retired) {
            return;
        }
        retired = true;
        synchronized (pending) {
            if (pending.isEmpty()) {
                drained.countDown();
            }
        }
        Thread.ofVirtual().name("levee-publish-retire").start(() -> {
            try {
                drained.await(closeGrace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(session);
        });
    }

    /** Closes now; sends still waiting fail (and are retried elsewhere by their callers). */
    void close() {
        accepting = false;
        retired = true;
        closeQuietly(session);
    }

    private void settle(long tag, boolean multiple, Outcome outcome) {
        synchronized (pending) {
            if (multiple) {
                PendingConfirm p;
                while ((p = pending.peekFirst()) != null && p.sequence <= tag) {
                    pending.pollFirst().settle(outcome, null);
                }
            } else {
                for (Iterator<PendingConfirm> it = pending.iterator(); it.hasNext(); ) {
                    PendingConfirm p = it.next();
                    if (p.sequence == tag) {
                        it.remove();
                        p.settle(outcome, null);
                        break;
                    }
                    if (p.sequence > tag) {
                        break;
                    }
                }
            }
            if (retired && pending.isEmpty()) {
                drained.countDown();
            }
        }
    }

    private void channelClosed(ShutdownSignalException cause) {
        accepting = false;
        synchronized (pending) {
            PendingConfirm p;
            while ((p = pending.pollFirst()) != null) {
                p.settle(Outcome.FAILED, cause);
            }
            drained.countDown();
        }
        if (!cause.isInitiatedByApplication()) {
            LOG.log(Level.FINE, "publishing channel closed by the broker or the network", cause);
        }
    }

    private static void closeQuietly(Session session) {
        try {
            session.close();
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.FINE, "closing publishing session", e);
        }
    }
}
