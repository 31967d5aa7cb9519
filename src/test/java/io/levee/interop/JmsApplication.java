package io.levee.interop;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * An existing JMS application as a Levee user has one: it knows Jakarta Messaging and JNDI and nothing of Levee or
 * of RabbitMQ. Its connection factory and queues come from {@code jndi.properties} on its classpath (the files in
 * docs/jndi), looked up by name. It imports no Levee class and no RabbitMQ class.
 */
// JNDI is what such an application uses; its names are fixed and its objects come from local files, not user input.
@SuppressWarnings("BanJNDI")
final class JmsApplication {

    private JmsApplication() {}

    /** One message as the application sent it. */
    record Sent(String messageId, String kind, String body, String correlationId, long timestamp) {}

    /** One message as the application received it. */
    @SuppressWarnings("ArrayRecordComponent")
    record Received(String messageId, byte[] body, Map<String, Object> properties) {}

    /**
     * Sends {@code texts} TextMessages, then {@code bytes} BytesMessages of JSON to the queue {@code jms/<queue>},
     * each with the properties {@code customerId} (String) and {@code lineCount} (int), a correlation id and the type
     * {@code order.created}. Like any application that must not lose what it sends, it sends with a {@link
     * CompletionListener} (the client then waits for the broker's publisher confirm) and returns once every send is
     * confirmed: a plain {@code send} is fire-and-forget, and messages still in flight when the connection closes
     * can be lost.
     */
    static List<Sent> send(String queue, int texts, int bytes)
            throws NamingException, JMSException, InterruptedException {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("jms/ConnectionFactory");
        Queue destination = (Queue) jndi.lookup("jms/" + queue);
        List<Message> messages = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        CountDownLatch completed = new CountDownLatch(texts + bytes);
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        CompletionListener confirmed = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.countDown();
            }

            @Override
            public void onException(Message message, Exception exception) {
                failures.add(exception);
                completed.countDown();
            }
        };
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(destination);
            for (int i = 0; i < texts + bytes; i++) {
                boolean text = i < texts;
                String body =
                        "{\"order\":" + i + ",\"kind\":\"" + (text ? "text" : "bytes") + "\",\"note\":\"\u00e9\"}";
                Message message;
                if (text) {
                    message = session.createTextMessage(body);
                } else {
                    BytesMessage b = session.createBytesMessage();
                    b.writeBytes(body.getBytes(StandardCharsets.UTF_8));
                    message = b;
                }
                message.setStringProperty("customerId", "customer-" + i);
                message.setIntProperty("lineCount", i % 7);
                message.setJMSCorrelationID("correlation-" + i);
                message.setJMSType("order.created");
                producer.send(message, confirmed);
                messages.add(message);
                bodies.add(body);
            }
            if (!completed.await(30, TimeUnit.SECONDS)) {
                throw new JMSException(completed.getCount() + " sends were not confirmed within 30 s");
            }
            if (!failures.isEmpty()) {
                throw new JMSException(failures.size() + " sends failed, the first: " + failures.peek());
            }
        }
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            sent.add(new Sent(
                    message.getJMSMessageID(),
                    i < texts ? "text" : "bytes",
                    bodies.get(i),
                    message.getJMSCorrelationID(),
                    message.getJMSTimestamp()));
        }
        return sent;
    }

    /**
     * Receives one message from {@code jms/<queue>}, acknowledging it after reading it ({@code CLIENT_ACKNOWLEDGE}),
     * or returns null when none arrived within the timeout.
     */
    static Received receive(String queue, Duration timeout) throws NamingException, JMSException {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("jms/ConnectionFactory");
        Queue source = (Queue) jndi.lookup("jms/" + queue);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(source);
            Message message = consumer.receive(timeout.toMillis());
            if (message == null) {
                return null;
            }
            byte[] body;
            if (message instanceof BytesMessage b) {
                body = new byte[(int) b.getBodyLength()];
                b.readBytes(body);
            } else {
                body = ((TextMessage) message).getText().getBytes(StandardCharsets.UTF_8);
            }
            Map<String, Object> properties = new HashMap<>();
            for (Object name : Collections.list(message.getPropertyNames())) {
                properties.put((String) name, message.getObjectProperty((String) name));
            }
            message.acknowledge();
            return new Received(message.getJMSMessageID(), body, properties);
        }
    }

    /** What a plain {@code session.createQueue(name)} does against the broker: returns the failure, or null. */
    static JMSException plainCreateQueue(String queue) throws NamingException, JMSException {
        ConnectionFactory factory = (ConnectionFactory) new InitialContext().lookup("jms/ConnectionFactory");
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try {
                session.createQueue(queue);
                return null;
            } catch (JMSException e) {
                return e;
            }
        }
    }
}
