package io.levee.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.rabbitmq.jms.admin.RMQDestination;
import com.rabbitmq.jms.client.RMQSession;
import io.levee.config.QueueSettings;
import io.levee.messaging.Broker;
import io.levee.messaging.TaskEnvelope;
import io.levee.messaging.Topology;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * The consumers of one queue: one Jakarta Messaging connection whose sessions each run a message listener with a
 * bounded prefetch. A message is acknowledged individually, only after the handler returned.
 */
final class ConsumerPool {

    private static final Logger LOG = Logger.getLogger(ConsumerPool.class.getName());

    private final QueueSettings queue;
    private final HandlerInvoker invoker;
    private final Broker broker;
    private final List<Session> sessions = new ArrayList<>();
    private Connection connection;

    ConsumerPool(QueueSettings queue, HandlerInvoker invoker, Broker broker) {
        this.queue = queue;
        this.invoker = invoker;
        this.broker = broker;
    }

    synchronized void start() throws JMSException {
        // The client closes a channel whose listener runs longer than this; a handler's own timeout must hit first.
        connection = broker.jmsFactory(queue.prefetch(), Duration.ofMinutes(5)).createConnection();
        RMQDestination destination = new RMQDestination(queue.name(), Topology.TASKS, queue.name(), queue.name());
        for (int i = 0; i < queue.concurrency(); i++) {
            Session session = connection.createSession(RMQSession.CLIENT_INDIVIDUAL_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(destination);
            consumer.setMessageListener(this::onMessage);
            sessions.add(session);
        }
        connection.start();
        LOG.info(() -> "Consuming queue '" + queue.name() + "' with " + queue.concurrency() + " session(s), prefetch "
                + queue.prefetch());
    }

    private void onMessage(Message message) {
        DeliveredTask task;
        try {
            task = decode(message);
        } catch (JMSException | RuntimeException e) {
            throw new IllegalStateException("cannot read message from '" + queue.name() + "'", e);
        }
        try {
            invoker.invoke(task);
        } catch (Throwable t) {
            // Returned to the broker; x-delivery-limit dead-letters it after the configured attempts.
            LOG.log(Level.WARNING, "handler failed for task " + task.taskId() + " of '" + queue.name() + "'", t);
            throw new TaskFailedException(t);
        }
        try {
            message.acknowledge();
        } catch (JMSException e) {
            LOG.log(Level.WARNING, "cannot acknowledge task " + task.taskId() + "; the broker will redeliver it", e);
        }
    }

    private DeliveredTask decode(Message message) throws JMSException {
        BytesMessage bytes = (BytesMessage) message;
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(body);
        Map<String, String> headers = new HashMap<>();
        for (var names = message.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            headers.put(name, String.valueOf(message.getObjectProperty(name)));
        }
        return new DeliveredTask(TaskEnvelope.fromWire(headers, message.getJMSMessageID(), queue.name(), body),
                headers);
    }

    synchronized void stop() {
        if (connection == null) {
            return;
        }
        try {
            connection.stop();
            connection.close();
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.FINE, "closing consumers of '" + queue.name() + "'", e);
        }
        connection = null;
        sessions.clear();
    }

    /** A handler failure carried out of the listener so that the client returns the message to the broker. */
    static final class TaskFailedException extends RuntimeException {
        TaskFailedException(Throwable cause) {
            super(cause);
        }
    }
}
