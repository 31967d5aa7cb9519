package io.levee.messaging;

import com.rabbitmq.jms.client.message.RMQBytesMessage;
import java.io.ByteArrayOutputStream;

/**
 * The RabbitMQ JMS client's {@code BytesMessage}, holding the task body by reference. The client's own copies the body
 * into a growing buffer on {@code writeBytes}, then twice more when it publishes (its buffer to an array, the array
 * into a second growing buffer, that buffer to the array it publishes): about five allocations of the body's size per
 * send, a fifth of every byte the gateway allocated (docs/benchmarks.md). This one writes the body once, straight into
 * the buffer the client publishes from. It is sent through {@code MessageProducer.send} like any other message; only
 * {@link PublishingSession} makes one, and only for AMQP-mapped destinations, whose body is the bytes as they are.
 */
@SuppressWarnings("serial") // never serialised: it lives and dies within one publishing session
final class TaskBytesMessage extends RMQBytesMessage {

    private byte[] body = new byte[0];

    /** The body of the next send; the array is not copied, so the caller does not change it until the send returns. */
    void refill(byte[] body) {
        this.body = body;
    }

    @Override
    protected void writeAmqpBody(ByteArrayOutputStream out) {
        out.write(body, 0, body.length);
    }
}
