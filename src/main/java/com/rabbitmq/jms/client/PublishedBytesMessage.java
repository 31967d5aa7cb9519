package com.rabbitmq.jms.client;

import com.rabbitmq.jms.client.message.RMQBytesMessage;
import java.io.ByteArrayOutputStream;

/**
 * A {@code BytesMessage} whose subclass hands the JMS client the exact array to publish. It lives in the client's
 * package, inside Levee's jar, because the method the client publishes from ({@code RMQMessage.toAmqpByteArray}) is
 * package-private: for an AMQP-mapped destination the client otherwise writes the body into a 512-byte buffer that
 * grows by doubling, then copies the buffer into the array it publishes (for a 1 KB task three allocations and three
 * copies of the body, the first method in the gateway's CPU profile; docs/jms-client-defects.md). The client's own
 * classes and Levee's share a class loader on the class path, so this override is the one the producer calls; where
 * they did not (the two jars as named modules, other loaders), the client would call its own method, which reaches
 * the same bytes through {@link #writeAmqpBody}: slower, the same message.
 */
@SuppressWarnings("serial") // never serialised: a publishing session's message, reused send after send
public abstract class PublishedBytesMessage extends RMQBytesMessage {

    /** The bytes to publish, not copied: the caller leaves the array alone until the send returns. */
    protected abstract byte[] amqpBody();

    @Override
    byte[] toAmqpByteArray() {
        return amqpBody();
    }

    @Override
    protected void writeAmqpBody(ByteArrayOutputStream out) {
        byte[] body = amqpBody();
        out.write(body, 0, body.length);
    }
}
