package io.levee.messaging;

/**
 * A queue as the broker reports it in one passive declare.
 *
 * @param depth     messages ready for delivery
 * @param consumers consumers attached
 */
public record QueueState(long depth, long consumers) {}
