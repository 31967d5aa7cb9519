package io.levee.ingress;

/**
 * What the ingest path reports, so that it never depends on a metrics or tracing library: every task POST
 * ({@code /v1/queues/{queue}/tasks} and {@code .../tasks/batch}) tells the listener it arrived and then tells the
 * returned {@link Request} what became of it. Every method has a no-op default; {@link #NONE} ignores everything.
 * Implementations must not block: they run on the ingest path of every request.
 */
public interface IngestListener {

    /** A listener that ignores everything. */
    IngestListener NONE = new IngestListener() {};

    /**
     * A task request for a queue arrived.
     *
     * @param queue       the queue named in the path (not necessarily a configured one)
     * @param traceparent the request's {@code traceparent} header as sent, or null
     * @param batch       whether it is a batch request
     */
    default Request received(String queue, String traceparent, boolean batch) {
        return Request.NONE;
    }

    /** One request, from its arrival to its answer. */
    interface Request {

        /** A request that ignores everything. */
        Request NONE = new Request() {};

        /**
         * A task is about to be published.
         *
         * @param taskId      the task's id
         * @param traceparent the trace context the task would carry
         * @return what hears how the publish ended
         */
        default Publish publishing(String taskId, String traceparent) {
            return new Publish() {
                @Override
                public String traceparent() {
                    return traceparent;
                }
            };
        }

        /**
         * The request, or one item of a batch, was refused before or while publishing.
         *
         * @param reason the {@code reason} tag: {@code invalid}, {@code too-large}, {@code unknown-queue},
         *               {@code queue-full}, {@code rate-limited}, {@code broker-unavailable}, ... ({@link Rejections})
         */
        default void rejected(String reason) {}

        /** The answer went out with this HTTP status. */
        default void answered(int status) {}
    }

    /** One publish, from the send to the broker's confirm (or its refusal). */
    interface Publish {

        /** The trace context the task carries to its handler (a tracer puts its publish span there). */
        String traceparent();

        /** The broker confirmed the task: it is accepted. */
        default void confirmed() {}

        /**
         * The broker refused the task or did not confirm it.
         *
         * @param reason the {@code reason} tag, as for {@link Request#rejected}
         */
        default void failed(String reason) {}
    }
}
