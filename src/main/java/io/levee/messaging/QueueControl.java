package io.levee.messaging;

/**
 * The runtime state an operator set on one queue, the same on every replica: whether its consumers are paused, and
 * the limits that replace its configured ones until changed again. A null limit means "as configured".
 *
 * @param paused              whether consumption is paused
 * @param deliveryMaxRate     built-in delivery's requests per second, or null
 * @param deliveryMaxInFlight built-in delivery's concurrent requests, or null
 * @param ingestMaxRate       tasks per second a gateway replica accepts, or null
 */
public record QueueControl(boolean paused, Double deliveryMaxRate, Integer deliveryMaxInFlight, Long ingestMaxRate) {

    /** Nothing changed by an operator. */
    public static final QueueControl CONFIGURED = new QueueControl(false, null, null, null);

    /** The same state, paused or not. */
    public QueueControl withPaused(boolean p) {
        return new QueueControl(p, deliveryMaxRate, deliveryMaxInFlight, ingestMaxRate);
    }

    /** The same pause state with these limits. */
    public QueueControl withLimits(Double deliveryRate, Integer inFlight, Long ingestRate) {
        return new QueueControl(paused, deliveryRate, inFlight, ingestRate);
    }
}
