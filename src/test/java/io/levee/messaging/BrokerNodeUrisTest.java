package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

import io.levee.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerNodeUrisTest {

    @Test
    void eachNodeGetsTheUrisCredentialsAndEncodedVirtualHost() {
        Broker broker = new Broker(
                TestConfig.levee(Map.of(
                        "levee.amqp.uri", "amqp://levee:s%40cret@ignored:5672/%2F",
                        "levee.amqp.addresses", "rabbit-0:5672,rabbit-1:5673")),
                null);

        assertThat(
                broker.nodeUris(),
                contains("amqp://levee:s%40cret@rabbit-0:5672/%2F", "amqp://levee:s%40cret@rabbit-1:5673/%2F"));
    }
}
