package io.levee.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.NoOpMetricsCollector;

/**
 * Finds the AMQP channel beneath a JMS session. The JMS client opens a session's channel on the thread that calls
 * {@code createSession} and reports it to the connection's metrics collector; a collector that records it for the
 * calling thread hands Levee the channel through this public hook, without touching the client's internals.
 */
final class ChannelCapture extends NoOpMetricsCollector {

    private static final ScopedValue<Channel[]> TARGET = ScopedValue.newInstance();

    /** Something that opens one channel on the calling thread, such as creating a JMS session. */
    @FunctionalInterface
    interface ChannelOpening<T, X extends Exception> {
        T open() throws X;
    }

    /** What was opened and the channel it opened. */
    record Opened<T>(T value, Channel channel) {}

    /** Runs {@code opening} and returns its result with the (last) channel it opened on this thread. */
    <T, X extends Exception> Opened<T> capture(ChannelOpening<T, X> opening) throws X {
        Channel[] slot = new Channel[1];
        T value = ScopedValue.where(TARGET, slot).call(opening::open);
        if (slot[0] == null) {
            throw new IllegalStateException("no channel was opened");
        }
        return new Opened<>(value, slot[0]);
    }

    @Override
    public void newChannel(Channel channel) {
        if (TARGET.isBound()) {
            TARGET.get()[0] = channel;
        }
    }
}
