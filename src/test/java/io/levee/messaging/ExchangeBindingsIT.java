package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.levee.LeveeException;
import io.levee.config.LeveeConfig;
import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configured binding whose exchange exists on the broker with another definition stops the declaration. */
class ExchangeBindingsIT {

    @Test
    void anExchangeThatExistsWithAnotherTypeStopsTheDeclarationNamingTheBindingAndTheExchange() throws Exception {
        LeveeConfig config = TestConfig.levee(Map.of(
                "levee.queues.it-bindings-conflict.bindings.feed.exchange", "it-bindings-conflict-feed",
                "levee.queues.it-bindings-conflict.bindings.feed.type", "fanout"));
        try (Connection c = TestBroker.connect()) {
            try (Channel ch = c.createChannel()) {
                ch.exchangeDeclare("it-bindings-conflict-feed", BuiltinExchangeType.TOPIC, true);
            }

            LeveeException e = assertThrows(
                    LeveeException.class,
                    () -> Topology.declare(c, config.queues().values()));

            assertThat(e.getMessage(), containsString("Binding levee.queues.it-bindings-conflict.bindings.feed"));
            assertThat(e.getMessage(), containsString("exchange 'it-bindings-conflict-feed'"));
            assertThat(e.getMessage(), containsString("inequivalent arg 'type'"));
        }
    }
}
