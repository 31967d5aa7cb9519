package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A URI that Levee refuses is named in the startup error without its password. */
class SecretRedactionTest {

    private static final String PASSWORD = "Pa55-w0rd-x7";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "levee.amqp.uri | amqp://levee:Pa55-w0rd-x7#@broker:5672/vhost",
                "levee.amqp.uri | http://levee:Pa55-w0rd-x7@broker:5672",
                "levee.amqp.uri | amqp://levee:Pa55-w0rd-x7@/vhost",
                "levee.amqp.uri | amqp://levee:Pa55-w0rd-x7%zz@broker",
                "levee.idempotency.redis-uri | redis://:Pa55-w0rd-x7#@cache:6379",
                "levee.idempotency.redis-uri | http://:Pa55-w0rd-x7@cache:6379",
                "levee.idempotency.redis-uri | redis://u:Pa55-w0rd-x7 @cache:6379"
            })
    void aRefusedUriIsNamedWithoutItsPassword(String key, String uri) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> TestConfig.levee(Map.of(key, uri)));
        assertThat(e.getMessage(), containsString(key));
        assertThat(e.getMessage(), not(containsString(PASSWORD)));
        assertThat(e.getMessage(), containsString(":***@"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "amqp://user:secret@host:5672/v | amqp://user:***@host:5672/v",
                "redis://:secret@host | redis://:***@host",
                "amqp://host:5672 | amqp://host:5672",
                "amqp://u:se@cr/et@host | amqp://u:***@host"
            })
    void hidesThePasswordPart(String raw, String shown) {
        assertThat(Settings.withoutPassword(raw), is(shown));
    }
}
