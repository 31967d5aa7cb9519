package com.rabbitmq.jms.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JMS client publishes the subclass's array itself, and its own way to the bytes reaches the same ones. */
class PublishedBytesMessageTest {

    private final byte[] body = "{\"order\":42}".getBytes(StandardCharsets.UTF_8);

    private final PublishedBytesMessage message = new PublishedBytesMessage() {
        @Override
        protected byte[] amqpBody() {
            return body;
        }
    };

    @Test
    void theProducerPublishesTheArrayItselfNotACopy() throws Exception {
        assertThat(
                "the override of the client's package-private method is the one called",
                message.toAmqpByteArray(),
                sameInstance(body));
    }

    @Test
    void theClientsOwnWayToTheBodyWritesTheSameBytes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeAmqpBody(out);
        assertThat(out.toByteArray(), is(body));
    }
}
