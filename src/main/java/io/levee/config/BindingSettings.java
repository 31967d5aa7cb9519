package io.levee.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One extra binding of a task queue, configured under {@code levee.queues.<queue>.bindings.<name>.*}: the queue also
 * receives the messages that exchange {@code exchange} (of type {@code type}) routes to it with {@code routing-key}.
 * Levee declares the exchange (durable) and the binding at startup.
 *
 * @param queue      the task queue that is bound
 * @param name       the binding's name in configuration
 * @param exchange   the exchange ({@code exchange}, default: the binding's name)
 * @param type       the exchange's type ({@code type})
 * @param routingKey the binding key ({@code routing-key}): a word for direct, a pattern for topic, empty for fanout
 */
public record BindingSettings(String queue, String name, String exchange, ExchangeType type, String routingKey) {

    /** Exchange names: letters, digits, '-', '_', '.' and ':', 1 to 255 characters (AMQP's rule). */
    public static final Pattern EXCHANGE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");

    /** Exchanges that exist on every broker or that Levee declares itself: bound to, never declared again. */
    public static final Map<String, ExchangeType> PREDECLARED = Map.of(
            "amq.direct", ExchangeType.DIRECT,
            "amq.fanout", ExchangeType.FANOUT,
            "amq.topic", ExchangeType.TOPIC,
            "levee.tasks", ExchangeType.DIRECT,
            "levee.dlx", ExchangeType.DIRECT,
            "levee.unroutable", ExchangeType.FANOUT);

    private static final Set<String> ATTRIBUTES = Set.of("exchange", "type", "routing-key");

    /** The configuration key prefix of this binding, {@code levee.queues.<queue>.bindings.<name>}. */
    public String key() {
        return prefix(queue, name);
    }

    /** Whether Levee declares the exchange (it does unless the exchange is predeclared). */
    public boolean declaresExchange() {
        return !PREDECLARED.containsKey(exchange);
    }

    static String prefix(String queue, String name) {
        return "levee.queues." + queue + ".bindings." + name;
    }

    /** Reads and validates the bindings of one queue from the configuration's keys. */
    static List<BindingSettings> read(Settings s, Set<String> keys, String queue) {
        String start = "levee.queues." + queue + ".bindings.";
        Set<String> names = new TreeSet<>();
        for (String key : keys) {
            if (!key.startsWith(start)) {
                continue;
            }
            String rest = key.substring(start.length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            if (!LeveeConfig.QUEUE_NAME.matcher(name).matches()) {
                throw new InvalidConfigurationException(key, name, "a binding name of " + LeveeConfig.QUEUE_NAME_RULE);
            }
            String attribute = dot < 0 ? "" : rest.substring(dot + 1);
            if (!ATTRIBUTES.contains(attribute)) {
                throw new InvalidConfigurationException(
                        key, s.string(key, ""), "keys " + start + name + ".exchange, .type and .routing-key only");
            }
            names.add(name);
        }
        List<BindingSettings> bindings = new ArrayList<>();
        for (String name : names) {
            bindings.add(binding(s, queue, name));
        }
        return bindings;
    }

    private static BindingSettings binding(Settings s, String queue, String name) {
        String p = prefix(queue, name) + ".";
        String exchange = s.string(p + "exchange", name);
        if (!EXCHANGE_NAME.matcher(exchange).matches()) {
            throw new InvalidConfigurationException(
                    p + "exchange", exchange, "an exchange name of 1 to 255 letters, digits, '-', '_', '.' or ':'");
        }
        if (exchange.startsWith("amq.") && !PREDECLARED.containsKey(exchange)) {
            throw new InvalidConfigurationException(
                    p + "exchange",
                    exchange,
                    "amq.direct, amq.fanout, amq.topic or a name not starting with 'amq.' (the broker reserves it)");
        }
        if (s.optionalString(p + "type").isEmpty()) {
            throw new InvalidConfigurationException(p + "type", "", "direct, fanout or topic (required)");
        }
        ExchangeType type = s.oneOf(p + "type", ExchangeType.class, ExchangeType.DIRECT);
        ExchangeType fixed = PREDECLARED.get(exchange);
        if (fixed != null && fixed != type) {
            throw new InvalidConfigurationException(
                    p + "type", type.amqpName(), fixed.amqpName() + ", the type of exchange " + exchange);
        }
        Optional<String> key = s.optionalString(p + "routing-key");
        if (type == ExchangeType.FANOUT && key.isPresent()) {
            throw new InvalidConfigurationException(
                    p + "routing-key", key.get(), "no routing key: a fanout exchange ignores it");
        }
        if (type != ExchangeType.FANOUT && key.isEmpty()) {
            throw new InvalidConfigurationException(
                    p + "routing-key",
                    "",
                    type == ExchangeType.TOPIC
                            ? "a topic pattern such as orders.eu.* (required for a topic exchange)"
                            : "a routing key (required for a direct exchange)");
        }
        if (key.isPresent() && key.get().length() > 255) {
            throw new InvalidConfigurationException(p + "routing-key", key.get(), "at most 255 characters");
        }
        return new BindingSettings(queue, name, exchange, type, key.orElse(""));
    }

    /**
     * Checks that every exchange that several bindings name has one type in all of them.
     *
     * @throws InvalidConfigurationException naming both bindings' keys
     */
    static void checkConsistent(List<BindingSettings> all) {
        Map<String, BindingSettings> first = new TreeMap<>();
        for (BindingSettings b : all) {
            BindingSettings other = first.putIfAbsent(b.exchange(), b);
            if (other != null && other.type() != b.type()) {
                throw new InvalidConfigurationException(
                        b.key() + ".type",
                        b.type().amqpName(),
                        other.type().amqpName() + ", the type " + other.key() + ".type gives exchange " + b.exchange());
            }
        }
    }
}
