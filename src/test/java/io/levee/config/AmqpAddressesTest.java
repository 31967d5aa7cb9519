package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpAddressesTest {

    @Test
    void theNodesAreReadInOrder() {
        assertThat(
                TestConfig.levee(Map.of("levee.amqp.addresses", "rabbit-0:5672, rabbit-1:5673,10.0.0.3:5672"))
                        .amqpAddresses(),
                contains("rabbit-0:5672", "rabbit-1:5673", "10.0.0.3:5672"));
    }

    @Test
    void withoutAddressesTheUriNamesTheNode() {
        assertThat(TestConfig.levee(Map.of()).amqpAddresses(), empty());
    }

    @Test
    void anAddressWithoutAPortIsRefusedNamingTheKey() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TestConfig.levee(Map.of("levee.amqp.addresses", "rabbit-0,rabbit-1:5672")));

        assertThat(e.getMessage(), containsString("levee.amqp.addresses"));
        assertThat(e.getMessage(), containsString("host:port"));
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThrows(
                InvalidConfigurationException.class,
                () -> TestConfig.levee(Map.of("levee.amqp.addresses", "rabbit-0:70000")));
    }
}
