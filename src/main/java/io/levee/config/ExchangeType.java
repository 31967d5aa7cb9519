package io.levee.config;

import java.util.Locale;

/** The exchange types a queue's extra bindings may use ({@code levee.queues.<q>.bindings.<b>.type}). */
public enum ExchangeType {
    /** Routes a message to the queues bound with exactly its routing key. */
    DIRECT,
    /** Routes a copy of every message to every bound queue; routing keys play no part. */
    FANOUT,
    /** Routes a message to the queues whose binding pattern ({@code *} one word, {@code #} any words) matches. */
    TOPIC;

    /** The type's name in AMQP ({@code direct}, {@code fanout}, {@code topic}). */
    public String amqpName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
