package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

    @Test
    void aQueueWithoutUrlHasNoDelivery() {
        assertThat(
                TestConfig.levee(Map.of("levee.queues.orders.max-length", "10"))
                        .queue("orders")
                        .orElseThrow()
                        .delivery()
                        .isPresent(),
                is(false));
    }

    @Test
    void defaultsApplyAroundTheUrl() {
        DeliverySettings d = TestConfig.levee(Map.of(
                        "levee.queues.orders.delivery.url", "http://127.0.0.1:9000/orders",
                        "levee.queues.orders.delivery.max-rate", "250"))
                .queue("orders")
                .orElseThrow()
                .delivery()
                .orElseThrow();

        assertThat(d.url().toString(), is("http://127.0.0.1:9000/orders"));
        assertThat(d.maxRate(), is(250));
        assertThat(d.maxInFlight(), is(16));
        assertThat(d.timeout(), is(Duration.ofSeconds(10)));
    }

    @Test
    void aUrlThatIsNotHttpOrARateBelowOneStopsStartup() {
        InvalidConfigurationException url = assertThrows(
                InvalidConfigurationException.class,
                () -> TestConfig.levee(Map.of("levee.queues.q.delivery.url", "ftp://x/y")));
        assertThat(
                url.getMessage(),
                is("Invalid configuration: levee.queues.q.delivery.url = 'ftp://x/y'; allowed: an"
                        + " http:// or https:// URL"));

        InvalidConfigurationException rate = assertThrows(
                InvalidConfigurationException.class,
                () -> TestConfig.levee(
                        Map.of("levee.queues.q.delivery.url", "http://x/y", "levee.queues.q.delivery.max-rate", "0")));
        assertThat(
                rate.getMessage(),
                is("Invalid configuration: levee.queues.q.delivery.max-rate = '0'; allowed: a"
                        + " whole number from 1 to 1000000"));
    }
}
