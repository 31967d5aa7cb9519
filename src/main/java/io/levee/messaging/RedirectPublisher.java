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
 * Confirmed publishing of copies of received tasks: the retry copy into a {@code Q.retry.<delay>} queue, the
 * dead-letter copy into {@code Q.dlq}, and the copy that returns a task to the tail of {@code Q} without consuming
 * an attempt. A consumer acknowledges the original only after this returned, so a task is never lost between the
 * two; a crash in between may leave a duplicate, which the task id lets handlers detect.
 *
 * <p>This uses amqp-client rather than the JMS client: each consumer session waits for exactly one confirm, and the
 * JMS client's confirm tracking loses callbacks (docs/jms-client-defects.md); a plain channel in confirm mode with
 * {@code waitForConfirmsOrDie} has neither problem. One channel per concurrent caller, pooled.
 */
@ApplicationScoped
public class RedirectPublisher {

    private static final Logger LOG = Logger.getLogger(RedirectPublisher.class.getName());

    private final Broker broker;
    private final Duration confirmTimeout;
    private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
    private Connection connection;

    @Inject
    RedirectPublisher(Broker broker) {
        this.broker = broker;
        this.confirmTimeout = broker.config().publish().confirmTimeout();
    }

    /** Copies a task into the retry queue of its delay; it comes back to {@code queue} when the delay expired. */
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

    /** Puts a task back at the tail of its queue with the same attempt number. */
    public void requeue(TaskEnvelope task, Map<String, Object> headers) {
        publish(Topology.TASKS, task.queue(), task, headers);
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
        Channel ch = null;
        try {
            ch = channel();
            ch.basicPublish(exchange, routingKey, props, task.body());
            ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
            idle.push(ch);
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
    }

    private Channel channel() throws IOException {
        Channel ch;
        while ((ch = idle.poll()) != null) {
            if (ch.isOpen()) {
                return ch;
            }
        }
        ch = connection().createChannel();
        ch.confirmSelect();
        return ch;
    }

    private synchronized Connection connection() throws IOException {
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        // No automatic recovery: a failed publish discards its channel and the next one reconnects here.
        idle.clear();
        connection = broker.newConnection("levee-redirect");
        return connection;
    }

    private static void discard(Channel ch) {
        if (ch != null && ch.isOpen()) {
            try {
                ch.abort();
            } catch (IOException e) {
                LOG.log(Level.FINE, "aborting a redirect channel", e);
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(2_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing the redirect connection", e);
            }
        }
    }
}
