package io.levee.messaging;

import com.rabbitmq.client.AMQP;
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
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Levee's broker topology, declared idempotently at startup (docs/design.md):
 * <ul>
 * <li>direct exchange {@value #TASKS} with alternate exchange {@value #UNROUTABLE} (fanout → queue of the same name),
 * so a task whose queue vanished is parked instead of silently dropped;</li>
 * <li>per task queue {@code Q}: quorum queue {@code Q} bound with key {@code Q}, bounded by {@code x-max-length}
 * with {@code reject-publish}, dead-lettering through {@value #DEAD_LETTERS} into quorum queue {@code Q.dlq};</li>
 * <li>per retry delay: quorum queue {@code Q.retry.<delay>} whose expired messages dead-letter back into
 * {@code Q};</li>
 * <li>every dead-lettering hop ({@code Q} into {@code Q.dlq}, a retry queue into {@code Q}) at least once: the source
 * keeps a message until the target confirmed it, where the default strategy drops it when the target refuses it or
 * a node fails in between.</li>
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

    private static final Logger LOG = Logger.getLogger(Topology.class.getName());

    private Topology() {}

    /** The retry queue of a queue for one backoff delay, e.g. {@code orders.retry.10s}. */
    public static String retryQueue(String queue, Duration delay) {
        long ms = delay.toMillis();
        String text = ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
        return queue + ".retry." + text;
    }

    /** Declares everything in the default virtual host's terms; see {@link #declare(Connection, Collection, String)}. */
    static void declare(Connection connection, Collection<QueueSettings> queues) throws IOException {
        declare(connection, queues, "/");
    }

    /**
     * Declares everything; safe to call again. A task or retry queue that exists with a different definition (a
     * classic retry queue from an older Levee, a queue declared without at-least-once dead-lettering) is replaced
     * when it is empty and unused, and otherwise stops startup with a message naming the queue, the difference and
     * the command that removes it.
     *
     * @param vhost the virtual host, for the command in that message
     */
    static void declare(Connection connection, Collection<QueueSettings> queues, String vhost) throws IOException {
        try (Channel ch = connection.createChannel()) {
            ch.exchangeDeclare(UNROUTABLE, BuiltinExchangeType.FANOUT, true);
            ch.queueDeclare(UNROUTABLE, true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueBind(UNROUTABLE, UNROUTABLE, "");
            ch.exchangeDeclare(
                    TASKS, BuiltinExchangeType.DIRECT, true, false, Map.of("alternate-exchange", UNROUTABLE));
            ch.exchangeDeclare(DEAD_LETTERS, BuiltinExchangeType.DIRECT, true);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        for (QueueSettings q : queues) {
            declareQueue(connection, q, vhost);
        }
        ExchangeBindings.declare(connection, queues);
    }

    /** The arguments of task queue {@code Q}: bounded, and dead-lettering at least once into {@code Q.dlq}. */
    static Map<String, Object> taskQueueArguments(QueueSettings q) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "quorum");
        args.put("x-max-length", q.maxLength());
        args.put("x-overflow", "reject-publish");
        args.put("x-delivery-limit", q.deliveryLimit());
        args.put("x-dead-letter-exchange", DEAD_LETTERS);
        args.put("x-dead-letter-routing-key", q.deadLetterQueue());
        args.put("x-dead-letter-strategy", "at-least-once");
        return args;
    }

    /**
     * The arguments of a retry queue: replicated (quorum), and expiring back into {@code Q} at least once. The
     * at-least-once strategy needs {@code reject-publish}; a retry queue has no length bound, so nothing is refused.
     */
    static Map<String, Object> retryQueueArguments(QueueSettings q, Duration delay) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "quorum");
        args.put("x-message-ttl", delay.toMillis());
        args.put("x-overflow", "reject-publish");
        args.put("x-dead-letter-exchange", TASKS);
        args.put("x-dead-letter-routing-key", q.name());
        args.put("x-dead-letter-strategy", "at-least-once");
        return args;
    }

    private static void declareQueue(Connection connection, QueueSettings q, String vhost) throws IOException {
        declareOrExplain(connection, q.deadLetterQueue(), Map.of("x-queue-type", "quorum"), vhost);
        declareTaskQueue(connection, q, vhost);
        try (Channel ch = connection.createChannel()) {
            ch.queueBind(q.deadLetterQueue(), DEAD_LETTERS, q.deadLetterQueue());
            ch.queueBind(q.name(), TASKS, q.name());
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        for (Duration delay : q.retryDelays()) {
            declareRetryQueue(connection, retryQueue(q.name(), delay), retryQueueArguments(q, delay), vhost);
        }
    }

    /**
     * A task queue declared by an older Levee lacks only the at-least-once strategy; it may hold tasks, so it is used
     * as it is, with a warning, rather than refused.
     */
    private static void declareTaskQueue(Connection connection, QueueSettings q, String vhost) throws IOException {
        Map<String, Object> args = taskQueueArguments(q);
        Optional<String> refused = tryDeclare(connection, q.name(), args);
        if (refused.isEmpty()) {
            return;
        }
        Map<String, Object> older = new HashMap<>(args);
        older.remove("x-dead-letter-strategy");
        if (tryDeclare(connection, q.name(), older).isPresent()) {
            throw mismatch(q.name(), refused.get(), vhost);
        }
        LOG.warning("Queue '" + q.name() + "' was declared without x-dead-letter-strategy=at-least-once (by an older"
                + " Levee): a task it dead-letters into " + q.deadLetterQueue() + " can be lost if a node fails at"
                + " that moment. Let it drain, delete it (`rabbitmqctl delete_queue -p " + vhost + " " + q.name()
                + "`) and restart Levee, which declares it again.");
    }

    /** A classic retry queue from an older Levee is replaced when it is empty and unused; else startup stops. */
    private static void declareRetryQueue(Connection connection, String name, Map<String, Object> args, String vhost)
            throws IOException {
        Optional<String> refused = tryDeclare(connection, name, args);
        if (refused.isEmpty()) {
            return;
        }
        // The definition an older Levee gave it; only a classic queue can be deleted "if empty and unused" (the
        // broker checks both atomically), a quorum queue refuses those flags with a connection error.
        Map<String, Object> older = new HashMap<>(args);
        older.remove("x-queue-type");
        older.remove("x-overflow");
        older.remove("x-dead-letter-strategy");
        if (tryDeclare(connection, name, older).isPresent()) {
            throw mismatch(name, refused.get(), vhost);
        }
        try (Channel ch = connection.createChannel()) {
            ch.queueDelete(name, true, true);
        } catch (IOException e) {
            if (refusal(e).isEmpty()) {
                throw e;
            }
            throw new LeveeException("Retry queue '" + name + "' exists on the broker as a classic queue (declared by"
                    + " an older Levee) and still holds tasks or has consumers, so Levee does not replace it with a"
                    + " quorum queue. Let it empty (its tasks expire into their queue), then delete it with"
                    + " `rabbitmqctl delete_queue -p " + vhost + " " + name + "`; Levee declares it again when it"
                    + " starts. Broker's reason: " + refused.get());
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        LOG.warning("Replaced the empty classic retry queue '" + name + "' (from an older Levee) with a quorum queue");
        Optional<String> again = tryDeclare(connection, name, args);
        if (again.isPresent()) {
            throw mismatch(name, again.get(), vhost);
        }
    }

    private static void declareOrExplain(Connection connection, String name, Map<String, Object> args, String vhost)
            throws IOException {
        Optional<String> refused = tryDeclare(connection, name, args);
        if (refused.isPresent()) {
            throw mismatch(name, refused.get(), vhost);
        }
    }

    /**
     * Declares a queue on a channel of its own (a refusal closes the channel); returns the broker's reason when it
     * refused because the queue exists with a different definition.
     */
    private static Optional<String> tryDeclare(Connection connection, String name, Map<String, Object> args)
            throws IOException {
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclare(name, true, false, false, args);
            return Optional.empty();
        } catch (IOException e) {
            Optional<String> reason = refusal(e);
            if (reason.isEmpty()) {
                throw e;
            }
            return reason;
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** The broker's reason when it refused an operation with a channel-level error (such as 406). */
    private static Optional<String> refusal(IOException e) {
        if (e.getCause() instanceof ShutdownSignalException signal && !signal.isHardError()) {
            return Optional.of(
                    signal.getReason() instanceof AMQP.Channel.Close close
                            ? close.getReplyText()
                            : String.valueOf(signal.getMessage()));
        }
        return Optional.empty();
    }

    private static LeveeException mismatch(String name, String reason, String vhost) {
        return new LeveeException("Queue '" + name + "' exists on the broker with a different definition (" + reason
                + "). Align levee.queues.* with it, or delete it (`rabbitmqctl delete_queue -p " + vhost + " " + name
                + "`) once nothing in it is needed; Levee declares it again when it starts.");
    }
}
