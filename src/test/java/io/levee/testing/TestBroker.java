package io.levee.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ that integration tests run against. With a Docker engine, a Testcontainers broker (started once per
 * JVM); without one, the broker at {@code LEVEE_TEST_AMQP_URI} (default {@code amqp://guest:guest@127.0.0.1:5672}).
 * Register it before {@code @HelidonTest} so the URI is set before Levee reads its configuration.
 */
public final class TestBroker implements BeforeAllCallback {

    private static final String PROPERTY = "levee.test.amqp.uri";
    private static volatile String uri;

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(PROPERTY, uri());
    }

    /** The broker URI, starting a container on first use when Docker is available. */
    public static synchronized String uri() {
        if (uri == null) {
            uri = resolve();
        }
        return uri;
    }

    private static String resolve() {
        String configured = System.getenv("LEVEE_TEST_AMQP_URI");
        if (configured == null) {
            configured = System.getProperty(PROPERTY);
        }
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-management");
            container.start();
            return container.getAmqpUrl();
        }
        return "amqp://guest:guest@127.0.0.1:5672";
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** A new plain amqp-client connection to the test broker; close it. */
    public static Connection connect() {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(uri());
            return f.newConnection("levee-test");
        } catch (Exception e) {
            throw new IllegalStateException("test broker at " + uri() + " is not reachable", e);
        }
    }

    /** Messages ready in a queue. */
    public static long depth(String queue) {
        try (Connection c = connect();
                Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot read depth of " + queue, e);
        }
    }

    /** Consumers on a queue. */
    public static long consumers(String queue) {
        try (Connection c = connect();
                Channel ch = c.createChannel()) {
            return ch.queueDeclarePassive(queue).getConsumerCount();
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot read consumers of " + queue, e);
        }
    }

    /** Publishes raw bytes with the given properties, waiting for the broker's confirm. */
    public static void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        try (Connection c = connect();
                Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(exchange, routingKey, props, body);
            ch.waitForConfirmsOrDie(10_000);
        } catch (IOException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("cannot publish to " + exchange + "/" + routingKey, e);
        }
    }

    /** Headers map helper for {@link #publish}. */
    public static AMQP.BasicProperties jsonProperties(String messageId, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(messageId)
                .headers(headers)
                .build();
    }
}
