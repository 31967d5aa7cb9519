package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.levee.testing.TestBroker;
import io.levee.testing.TestConfig;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With {@code levee.amqp.addresses}, Levee connects to the first node that answers, for amqp-client and JMS alike. */
class BrokerAddressesIT {

    @Test
    void aNodeThatDoesNotAnswerIsSkipped() throws Exception {
        URI test = URI.create(TestBroker.uri());
        String queue = "it-addresses-" + UUID.randomUUID().toString().substring(0, 8);
        Broker broker = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri",
                        TestBroker.uri(),
                        "levee.amqp.addresses",
                        "127.0.0.1:1, " + test.getHost() + ":" + (test.getPort() < 0 ? 5672 : test.getPort()),
                        "levee.queues." + queue + ".retry-delays",
                        "")),
                null);
        try {
            broker.declareTopology();
            assertThat(broker.isUp(), is(true));
            assertThat(broker.depth(queue), is(0L));
            try (var jms = broker.jmsFactory().createConnection()) {
                jms.start();
            }
        } finally {
            broker.close();
            try (var c = TestBroker.connect();
                    var ch = c.createChannel()) {
                ch.queueDelete(queue);
                ch.queueDelete(queue + ".dlq");
            }
        }
    }
}
