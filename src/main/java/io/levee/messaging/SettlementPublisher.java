package io.levee.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.levee.config.QueueSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Settles a received task by publishing a copy of it, confirmed: the retry copy into a {@code Q.retry.<delay>}
 * queue, the dead-letter copy into {@code Q.dlq}, and the copy that returns a task to the tail of its queue without
 * consuming an attempt. A consumer acknowledges the original only after the copy was confirmed, so a task is never
 * lost between the two; a crash in between may leave a duplicate, which the task id lets handlers detect.
 *
 * <p>Every copy is published {@code mandatory} to exactly one queue, so each answer of the broker means one thing:
 * a confirm that the copy is in its queue; a return ({@link NoRouteException}) that the queue does not exist, where a
 * non-mandatory publish would be confirmed and dropped; a nack ({@link QueueFullException}) that the queue refused it
 * ({@code reject-publish} at its bound); no answer in time or a failed channel ({@link BrokerUnavailableException})
 * that the broker could not be reached. The original is acknowledged only after a confirm.
 *
 * <p>amqp-client rather than the JMS client: each caller waits for exactly one confirm, and the JMS client's confirm
 * tracking loses callbacks (docs/jms-client-defects.md). One channel per concurrent caller, pooled.
 */
@ApplicationScoped
public class SettlementPublisher {

    private static final Logger LOG = Logger.getLogger(SettlementPublisher.class.getName());

    private final Broker broker;
    private final Duration confirmTimeout;
    private final Deque<CopyChannel> idle = new ConcurrentLinkedDeque<>();
    private Connection connection;

    @Inject
    SettlementPublisher(Broker broker) {
        this.broker = broker;
        this.confirmTimeout = broker.config().publish().confirmTimeout();
    }

    /** Copies a task into the retry queue of its delay; it comes back to its queue when the delay expired. */
    public void retry(String retryQueue, TaskEnvelope next, Map<String, Object> headers) {
        publish("", retryQueue, next, headers);
    }

    /** Copies a task into the dead-letter queue of its queue. */
    public void deadLetter(String deadLetterQueue, TaskEnvelope task, Map<String, Object> headers) {
        publish(Topology.DEAD_LETTERS, deadLetterQueue, task, headers);
    }

    /**
     * Puts a task that is not due yet back into its queue's delay ladder for the time it has left (a task a producer
     * sent straight to the queue with a future {@code levee-not-before}, or one a clock ahead of this one released).
     */
    public void delay(QueueSettings queue, TaskEnvelope task, Map<String, Object> headers, Duration left) {
        broker.ensureDelayLadder(queue);
        publish(DelayLadder.entry(), DelayLadder.routingKey(queue.name(), left), task, headers);
    }

    /**
     * Puts a task back at the tail of its queue with the same attempt number.
     *
     * @throws QueueFullException the queue is at its bound: the caller keeps the task
     */
    public void returnToQueue(TaskEnvelope task, Map<String, Object> headers) {
        publish("", task.queue(), task, headers);
    }

    private void publish(String exchange, String routingKey, TaskEnvelope task, Map<String, Object> headers) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(WireHeaders.CONTENT_TYPE)
                .deliveryMode(2)
                .messageId(task.id())
                .correlationId(task.correlationId())
                .type(task.type())
                .headers(headers)
                .build();
        CopyChannel ch = null;
        boolean confirmed;
        try {
            ch = channel();
            ch.returned = null;
            ch.channel.basicPublish(exchange, routingKey, true, props, task.body());
            confirmed = ch.channel.waitForConfirms(confirmTimeout.toMillis());
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            discard(ch);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new BrokerUnavailableException(
                    "no confirm for the copy of task " + task.id() + " to '" + routingKey + "' within "
                            + confirmTimeout.toMillis() + " ms: " + e,
                    e);
        }
        // A return arrives before the confirm of the same publish, on the channel's (serial) connection thread.
        String returned = ch.returned;
        idle.push(ch);
        if (!confirmed) {
            throw new QueueFullException(routingKey);
        }
        if (returned != null) {
            throw new NoRouteException(
                    "the copy of task " + task.id() + " to '" + routingKey + "' reached no queue (" + returned + ")");
        }
    }

    private CopyChannel channel() throws IOException {
        CopyChannel ch;
        while ((ch = idle.poll()) != null) {
            if (ch.channel.isOpen()) {
                return ch;
            }
        }
        Channel channel = connection().createChannel();
        channel.confirmSelect();
        CopyChannel created = new CopyChannel(channel);
        channel.addReturnListener(r -> created.returned = r.getReplyCode() + " " + r.getReplyText());
        return created;
    }

    private synchronized Connection connection() throws IOException {
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        // No automatic recovery: a failed publish discards its channel and the next one reconnects here.
        idle.clear();
        if (connection != null) {
            connection.abort(1_000);
        }
        connection = broker.newConnection("levee-settlement");
        return connection;
    }

    private static void discard(CopyChannel ch) {
        if (ch != null && ch.channel.isOpen()) {
            try {
                ch.channel.abort();
            } catch (IOException e) {
                LOG.log(Level.FINE, "aborting a settlement channel", e);
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(2_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing the settlement connection", e);
            }
        }
    }

    /** A channel in confirm mode and the return, if any, of its publish in progress (one at a time). */
    private static final class CopyChannel {
        final Channel channel;
        volatile String returned;

        CopyChannel(Channel channel) {
            this.channel = channel;
        }
    }
}
