package io.levee.messaging;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.LeveeException;
import io.levee.config.QueueSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Levee's broker topology, declared idempotently at startup (docs/design.md):
 * <ul>
 * <li>direct exchange {@value #TASKS} with alternate exchange {@value #UNROUTABLE} (fanout → queue of the same name),
 * so a task whose queue vanished is parked instead of silently dropped;</li>
 * <li>per task queue {@code Q}: quorum queue {@code Q} bound with key {@code Q}, bounded by {@code x-max-length}
 * with {@code reject-publish}, dead-lettering through {@value #DEAD_LETTERS} into quorum queue {@code Q.dlq};</li>
 * <li>per retry delay: {@code Q.retry.<delay>} whose expired messages dead-letter back into {@code Q};</li>
 * <li>per configured binding: its exchange and the binding of {@code Q} to it ({@link ExchangeBindings}).</li>
 * </ul>
 */
public final class Topology {

    /** The exchange every task is published to, with the queue name as routing key. */
    public static final String TASKS = "levee.tasks";
    /** Alternate exchange and queue for tasks that match no queue. */
    public static final String UNROUTABLE = "levee.unroutable";
    /** The exchange dead-letter copies go through, with the dead-letter queue name as routing key. */
    public static final String DEAD_LETTERS = "levee.dlx";

    private Topology() {}

    /** The retry queue of a queue for one backoff delay, e.g. {@code orders.retry.10s}. */
    public static String retryQueue(String queue, Duration delay) {
        long ms = delay.toMillis();
        String text = ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
        return queue + ".retry." + text;
    }

    /** Declares everything; safe to call again. Fails with a message naming the queue whose definition differs. */
    static void declare(Connection connection, Collection<QueueSettings> queues) throws IOException {
        try (Channel ch = connection.createChannel()) {
            ch.exchangeDeclare(UNROUTABLE, BuiltinExchangeType.FANOUT, true);
            ch.queueDeclare(UNROUTABLE, true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueBind(UNROUTABLE, UNROUTABLE, "");
            ch.exchangeDeclare(
                    TASKS, BuiltinExchangeType.DIRECT, true, false, Map.of("alternate-exchange", UNROUTABLE));
            ch.exchangeDeclare(DEAD_LETTERS, BuiltinExchangeType.DIRECT, true);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
        for (QueueSettings q : queues) {
            declareQueue(connection, q);
        }
        ExchangeBindings.declare(connection, queues);
    }

    private static void declareQueue(Connection connection, QueueSettings q) throws IOException {
        // One channel per queue: a definition mismatch closes the channel, and the error must name this queue.
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclare(q.deadLetterQueue(), true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueBind(q.deadLetterQueue(), DEAD_LETTERS, q.deadLetterQueue());

            Map<String, Object> args = new HashMap<>();
            args.put("x-queue-type", "quorum");
            args.put("x-max-length", q.maxLength());
            args.put("x-overflow", "reject-publish");
            args.put("x-delivery-limit", q.deliveryLimit());
            args.put("x-dead-letter-exchange", DEAD_LETTERS);
            args.put("x-dead-letter-routing-key", q.deadLetterQueue());
            ch.queueDeclare(q.name(), true, false, false, args);
            ch.queueBind(q.name(), TASKS, q.name());

            for (Duration delay : q.retryDelays()) {
                Map<String, Object> retry = new HashMap<>();
                retry.put("x-message-ttl", delay.toMillis());
                retry.put("x-dead-letter-exchange", TASKS);
                retry.put("x-dead-letter-routing-key", q.name());
                ch.queueDeclare(retryQueue(q.name(), delay), true, false, false, retry);
            }
        } catch (IOException e) {
            if (!(e.getCause() instanceof ShutdownSignalException signal)) {
                throw e;
            }
            throw new LeveeException(
                    "Queue '" + q.name() + "' (or its .dlq/.retry queues) exists on the broker with"
                            + " a different definition: " + signal.getReason() + ". Delete it or align levee.queues."
                            + q.name() + ".* with it.",
                    e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }
}
