package io.levee.delivery;

/**
 * What the built-in HTTP delivery reports about each request to a downstream, so that it never depends on a metrics
 * or tracing library. Every method has a no-op default; {@link #NONE} ignores everything. Implementations must not
 * block.
 */
public interface DeliveryListener {

    /** A listener that ignores everything. */
    DeliveryListener NONE = new DeliveryListener() {};

    /**
     * A request to the downstream is about to be sent (its rate and in-flight permits are held).
     *
     * @param queue       the queue the task came from
     * @param taskId      the task's id
     * @param attempt     the 1-based attempt
     * @param traceparent the trace context of the attempt, or null
     * @return what hears how the request ended
     */
    default Request sending(String queue, String taskId, int attempt, String traceparent) {
        return new Request() {
            @Override
            public String traceparent() {
                return traceparent;
            }
        };
    }

    /** One request, from its send to its answer. */
    interface Request {

        /** The {@code traceparent} header sent with the request (a tracer puts its delivery span there), or null. */
        String traceparent();

        /** The downstream answered with this status. */
        default void answered(int status) {}

        /** No answer: connection refused, reset or timed out. */
        default void failed(Throwable error) {}
    }
}
