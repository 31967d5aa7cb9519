package io.levee.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.LeveeException;
import io.levee.config.BindingSettings;
import io.levee.config.QueueSettings;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.TimeoutException;

/**
 * Declares the extra bindings of task queues ({@code levee.queues.<q>.bindings.<b>.*}): each binding's exchange,
 * durable and of the configured type (unless it is predeclared, see {@link BindingSettings#PREDECLARED}), and the
 * binding of the queue to it. Declaring is idempotent; an exchange that exists with another definition stops the
 * declaration with a message naming the binding's key and the exchange. Levee adds bindings and never removes one:
 * a binding taken out of the configuration stays on the broker until an operator unbinds it.
 */
final class ExchangeBindings {

    private ExchangeBindings() {}

    static void declare(Connection connection, Collection<QueueSettings> queues) throws IOException {
        for (QueueSettings q : queues) {
            for (BindingSettings b : q.bindings()) {
                declare(connection, b);
            }
        }
    }

    private static void declare(Connection connection, BindingSettings b) throws IOException {
        // One channel per binding: a definition mismatch closes the channel, and the error must name this binding.
        try (Channel ch = connection.createChannel()) {
            if (b.declaresExchange()) {
                ch.exchangeDeclare(b.exchange(), b.type().amqpName(), true);
            }
            ch.queueBind(b.queue(), b.exchange(), b.routingKey());
        } catch (IOException e) {
            if (!(e.getCause() instanceof ShutdownSignalException signal)) {
                throw e;
            }
            throw new LeveeException(
                    "Binding " + b.key() + " of queue '" + b.queue() + "' to "
                            + b.type().amqpName() + " exchange '"
                            + b.exchange() + "' conflicts with the broker's definition: " + signal.getReason()
                            + ". Delete or rename the exchange on the broker, or change " + b.key()
                            + ".exchange/.type.",
                    e);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }
}
