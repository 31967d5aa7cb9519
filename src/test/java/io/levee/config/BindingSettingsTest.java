package io.levee.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.testing.TestConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindingSettingsTest {

    @Test
    void bindingsAreReadPerQueueWithTheExchangeDefaultingToTheBindingName() {
        LeveeConfig c = TestConfig.levee(Map.of(
                "levee.queues.audit.bindings.orders-copies.type", "fanout",
                "levee.queues.orders.bindings.orders-copies.type", "FANOUT",
                "levee.queues.orders-eu.bindings.regions.exchange", "orders.regions",
                "levee.queues.orders-eu.bindings.regions.type", "topic",
                "levee.queues.orders-eu.bindings.regions.routing-key", "orders.eu.*",
                "levee.queues.audit.bindings.http.exchange", "levee.tasks",
                "levee.queues.audit.bindings.http.type", "direct",
                "levee.queues.audit.bindings.http.routing-key", "orders"));

        assertThat(
                c.queue("audit").orElseThrow().bindings(),
                is(List.of(
                        new BindingSettings("audit", "http", "levee.tasks", ExchangeType.DIRECT, "orders"),
                        new BindingSettings("audit", "orders-copies", "orders-copies", ExchangeType.FANOUT, ""))));
        assertThat(
                c.queue("orders-eu").orElseThrow().bindings(),
                is(List.of(new BindingSettings(
                        "orders-eu", "regions", "orders.regions", ExchangeType.TOPIC, "orders.eu.*"))));
        assertThat(c.queue("orders").orElseThrow().bindings().getFirst().declaresExchange(), is(true));
        assertThat(c.queue("audit").orElseThrow().bindings().getFirst().declaresExchange(), is(false));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "levee.queues.q.bindings.b.type|headers|Invalid configuration: levee.queues.q.bindings.b.type = 'headers'; allowed: direct, fanout, topic",
                "levee.queues.q.bindings.b.exchange|x|Invalid configuration: levee.queues.q.bindings.b.type = ''; allowed: direct, fanout or topic (required)",
                "levee.queues.q.bindings.b.routingKey|k|Invalid configuration: levee.queues.q.bindings.b.routingKey = 'k'; allowed: keys levee.queues.q.bindings.b.exchange, .type and .routing-key only",
                "levee.queues.q.bindings.b c.type|fanout|Invalid configuration: levee.queues.q.bindings.b c.type = 'b c'; allowed: a binding name of letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters",
            })
    void anInvalidBindingStopsStartupNamingItsKey(String key, String value, String message) {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> TestConfig.levee(Map.of(key, value)));

        assertThat(e.getMessage(), is(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "fanout with a key|x|fanout|k|Invalid configuration: levee.queues.q.bindings.b.routing-key = 'k'; allowed: no routing key: a fanout exchange ignores it",
                "topic without a key|x|topic||Invalid configuration: levee.queues.q.bindings.b.routing-key = ''; allowed: a topic pattern such as orders.eu.* (required for a topic exchange)",
                "direct without a key|x|direct||Invalid configuration: levee.queues.q.bindings.b.routing-key = ''; allowed: a routing key (required for a direct exchange)",
                "reserved name|amq.headers|direct|k|Invalid configuration: levee.queues.q.bindings.b.exchange = 'amq.headers'; allowed: amq.direct, amq.fanout, amq.topic or a name not starting with 'amq.' (the broker reserves it)",
                "bad name|a b|direct|k|Invalid configuration: levee.queues.q.bindings.b.exchange = 'a b'; allowed: an exchange name of 1 to 255 letters, digits, '-', '_', '.' or ':'",
                "Levee's exchange, wrong type|levee.tasks|topic|k|Invalid configuration: levee.queues.q.bindings.b.type = 'topic'; allowed: direct, the type of exchange levee.tasks",
            })
    void anInconsistentBindingStopsStartupNamingTheKeyToChange(
            String what, String exchange, String type, String routingKey, String message) {
        Map<String, String> values = new HashMap<>();
        values.put("levee.queues.q.bindings.b.exchange", exchange);
        values.put("levee.queues.q.bindings.b.type", type);
        if (routingKey != null) {
            values.put("levee.queues.q.bindings.b.routing-key", routingKey);
        }

        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> TestConfig.levee(values));

        assertThat(what, e.getMessage(), is(message));
    }

    @Test
    void oneExchangeNamedWithTwoTypesStopsStartupNamingBothBindings() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TestConfig.levee(Map.of(
                        "levee.queues.a.bindings.feed.type", "fanout",
                        "levee.queues.b.bindings.feed.type", "topic",
                        "levee.queues.b.bindings.feed.routing-key", "x.*")));

        assertThat(
                e.getMessage(),
                is("Invalid configuration: levee.queues.b.bindings.feed.type = 'topic'; allowed: fanout, the type"
                        + " levee.queues.a.bindings.feed.type gives exchange feed"));
    }
}
