package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ingest, idempotency and per-queue ingest settings: defaults and every rejection. */
class IngestSettingsTest {

    @Test
    void defaultsAreSafe() {
        LeveeConfig c = TestConfig.levee(Map.of("levee.queues.orders.max-length", "10"));
        assertThat(
                c.ingest(),
                is(new IngestSettings(
                        500,
                        256 * 1024,
                        4 * 1024 * 1024,
                        Duration.ofSeconds(6),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(10),
                        64L * 1024 * 1024)));
        assertThat(c.idempotency(), is(new IdempotencySettings(Optional.empty(), Duration.ofHours(24), 100_000)));
        assertThat(c.queue("orders").orElseThrow().schema(), is(Optional.empty()));
        assertThat(c.queue("orders").orElseThrow().ingestMaxRate(), is(0L));
    }

    @Test
    void valuesAreRead() {
        LeveeConfig c = TestConfig.levee(Map.of(
                "levee.ingest.max-body-size", "64KiB",
                "levee.ingest.batch-max-body-size", "1048576",
                "levee.idempotency.redis-uri", "redis://127.0.0.1:6379",
                "levee.idempotency.ttl", "1h",
                "levee.queues.orders.schema", "schemas/order.json",
                "levee.queues.orders.ingest.max-rate", "10_000"));
        assertThat(c.ingest().maxBodySize(), is(65_536L));
        assertThat(c.ingest().batchMaxBodySize(), is(1_048_576L));
        assertThat(c.idempotency().redisUri(), is(Optional.of(URI.create("redis://127.0.0.1:6379"))));
        assertThat(c.idempotency().ttl(), is(Duration.ofHours(1)));
        assertThat(c.queue("orders").orElseThrow().schema(), is(Optional.of("schemas/order.json")));
        assertThat(c.queue("orders").orElseThrow().ingestMaxRate(), is(10_000L));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "levee.ingest.batch-max-items|0|Invalid configuration: levee.ingest.batch-max-items = '0'; allowed: a whole number from 1 to 10000",
                "levee.ingest.max-body-size|big|Invalid configuration: levee.ingest.max-body-size = 'big'; allowed: a size from 2 to 67108864 bytes, such as 262144, 256KiB or 4MiB",
                "levee.ingest.max-body-size|1GiB|Invalid configuration: levee.ingest.max-body-size = '1GiB'; allowed: a size from 2 to 67108864 bytes, such as 262144, 256KiB or 4MiB",
                "levee.ingest.publish-timeout|0s|Invalid configuration: levee.ingest.publish-timeout = '0s'; allowed: a positive duration such as 500ms, 5s, 1m or PT5S",
                "levee.idempotency.redis-uri|http://x:1|Invalid configuration: levee.idempotency.redis-uri = 'http://x:1'; allowed: a URI with scheme redis or rediss and a host, such as redis://127.0.0.1:6379",
                "levee.idempotency.ttl|forever|Invalid configuration: levee.idempotency.ttl = 'forever'; allowed: a positive duration such as 500ms, 5s, 1m or PT5S",
                "levee.idempotency.max-entries|-1|Invalid configuration: levee.idempotency.max-entries = '-1'; allowed: a whole number from 1 to 100000000",
                "levee.queues.orders.ingest.max-rate|-5|Invalid configuration: levee.queues.orders.ingest.max-rate = '-5'; allowed: a whole number from 0 to 100000000",
            })
    void anInvalidValueIsRefusedNamingKeyValueAndWhatIsAllowed(String key, String value, String message) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> TestConfig.levee(Map.of(key, value)));
        assertThat(e.getMessage(), is(message));
    }
}
