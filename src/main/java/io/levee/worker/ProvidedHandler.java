package io.levee.worker;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One handler of a {@link HandlerProvider}.
 *
 * @param queue       the queue it handles
 * @param source      where it came from, for messages (e.g. the configuration key that asked for it)
 * @param concurrency consumer sessions it asks for unless {@code levee.queues.<queue>.concurrency} is set
 * @param handler     what runs each task
 */
public record ProvidedHandler(String queue, String source, OptionalInt concurrency, QueueHandler handler) {

    public ProvidedHandler {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(handler, "handler");
    }
}
