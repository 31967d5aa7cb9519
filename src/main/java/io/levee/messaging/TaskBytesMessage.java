package io.levee.messaging;

import com.rabbitmq.jms.client.PublishedBytesMessage;

/**
 * The RabbitMQ JMS client's {@code BytesMessage}, holding the task body by reference and publishing that very array.
 * The client's own copies the body into a growing buffer on {@code writeBytes}, then again when it publishes: about
 * five allocations of the body's size per send (docs/jms-client-defects.md). It is sent through
 * {@code MessageProducer.send} like any other message; only {@link PublishingSession} makes one, and only for
 * AMQP-mapped destinations, whose body is the bytes as they are.
 */
@SuppressWarnings("serial") // never serialised: it lives and dies within one publishing session
final class TaskBytesMessage extends PublishedBytesMessage {

    private byte[] body = new byte[0];

    /** The body of the next send; the array is not copied, so the caller does not change it until the send returns. */
    void refill(byte[] body) {
        this.body = body;
    }

    @Override
    protected byte[] amqpBody() {
        return body;
    }
}
