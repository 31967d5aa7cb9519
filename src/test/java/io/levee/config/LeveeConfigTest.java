package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeveeConfigTest {

    @Test
    void defaultsAreSaneAndQueuesAreFoundByTheirKeys() {
        LeveeConfig c = TestConfig.levee(Map.of(
                "levee.queues.orders.max-length", "500",
                "levee.queues.mails.delivery-limit", "3",
                "levee.queues.mails.retry-delays", "500ms, 2s,PT1M"));

        assertThat(c.amqpUri().toString(), is("amqp://guest:guest@127.0.0.1:5672"));
        assertThat(c.role(), is(Role.ALL));
        assertThat(c.queues().keySet(), contains("mails", "orders"));
        QueueSettings orders = c.queue("orders").orElseThrow();
        assertThat(orders.maxLength(), is(500L));
        assertThat(orders.deliveryLimit(), is(5));
        assertThat(
                orders.retryDelays(),
                is(List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60))));
        assertThat(
                c.queue("mails").orElseThrow().retryDelays(),
                is(List.of(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(1))));
        assertThat(c.queue("mails").orElseThrow().deadLetterQueue(), is("mails.dlq"));
    }

    @Test
    void roleIsCaseInsensitive() {
        assertThat(TestConfig.levee(Map.of("levee.role", "Worker")).role(), is(Role.WORKER));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "levee.role|boss|Invalid configuration: levee.role = 'boss'; allowed: all, gateway, worker",
                "levee.amqp.uri|http://x|Invalid configuration: levee.amqp.uri = 'http://x'; allowed: an amqp:// or amqps:// URI such as amqp://user:pass@host:5672/vhost",
                "levee.publish.sessions|0|Invalid configuration: levee.publish.sessions = '0'; allowed: a whole number from 1 to 1024",
                "levee.publish.sessions|many|Invalid configuration: levee.publish.sessions = 'many'; allowed: a whole number from 1 to 1024",
                "levee.publish.confirm-timeout|-5s|Invalid configuration: levee.publish.confirm-timeout = '-5s'; allowed: a positive duration such as 500ms, 5s, 1m or PT5S",
                "levee.queues.orders.max-length|0|Invalid configuration: levee.queues.orders.max-length = '0'; allowed: a whole number from 1 to 9223372036854775807",
                "levee.queues.orders.delivery-limit|x|Invalid configuration: levee.queues.orders.delivery-limit = 'x'; allowed: a whole number from 1 to 1000",
                "levee.queues.orders.retry-delays|1s,soon|Invalid configuration: levee.queues.orders.retry-delays = 'soon'; allowed: a positive duration such as 500ms, 5s, 1m or PT5S",
                "levee.queues.bad name.max-length|10|Invalid configuration: levee.queues.bad name.max-length = 'bad name'; allowed: a queue name of letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters",
                "levee.queues.-x.max-length|10|Invalid configuration: levee.queues.-x.max-length = '-x'; allowed: a queue name of letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters",
            })
    void anInvalidValueStopsStartupWithOneLineNamingKeyValueAndWhatIsAllowed(String key, String value, String message) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> TestConfig.levee(Map.of(key, value)));
        assertThat(e.getMessage(), is(message));
        assertThat("one line", e.getMessage().lines().count(), is(1L));
    }
}
