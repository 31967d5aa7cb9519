package io.levee.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tasks parked in a queue that no consumer reads, a dead-letter queue {@code Q.dlq} or {@value Topology#UNROUTABLE}:
 * listed, replayed into their task queue, or purged.
 *
 * <p>A listing must neither lose nor reorder tasks, and a quorum queue offers no browsing: a message fetched and
 * handed back (nack with requeue, or a closed channel) goes back in an order of the broker's choosing (measured on
 * RabbitMQ 3.10: 120 returned messages come back scrambled, whichever way they are returned) and counts as a failed
 * delivery (on RabbitMQ 4.0-4.2 a quorum queue's default delivery limit of 20 then drops it). So a listing
 * <em>rotates</em> the queue: it takes every message present when it starts, in order, publishes an identical copy
 * to the tail of the same queue (confirmed) and only then acknowledges the original. The queue ends as it began,
 * every task read exactly once per listing. Cost: one confirmed publish and one acknowledgement per parked task per
 * listing (a full rewrite of the queue), whatever the page size; see docs/operations.md. A crash midway leaves
 * duplicates of the tasks copied since the last acknowledgement, never a loss.
 *
 * <p>A replay publishes a task to its queue through the default exchange with {@code mandatory}, waits for the
 * broker's confirm, and only then acknowledges it in the parking queue: a task whose queue does not exist comes back
 * as a return, a full queue ({@code reject-publish}) as a nack, and either way the task stays parked.
 */
@ApplicationScoped
public class ParkedTasks {

    /** At most this many parked tasks are read per operation; a deeper queue is refused rather than half-read. */
    public static final long MAX_SCAN = 100_000;

    private static final Logger LOG = Logger.getLogger(ParkedTasks.class.getName());
    private static final int CONFIRM_BATCH = 256;
    private static final int PREVIEW_CHARS = 200;

    private final Broker broker;
    private final Duration confirmTimeout;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReturnWatch returns = new ReturnWatch();
    private Connection connection;
    private Channel channel;

    @Inject
    ParkedTasks(Broker broker) {
        this(broker, Clock.systemUTC());
    }

    ParkedTasks(Broker broker, Clock clock) {
        this.broker = broker;
        this.confirmTimeout = broker.config().publish().confirmTimeout();
        this.clock = clock;
    }

    /**
     * One parked task as read from its parking queue.
     *
     * @param id           task id
     * @param queue        the task queue it belongs to and is replayed into
     * @param attempt      the attempt that failed
     * @param errorClass   the failure's class, or null (a task parked as unroutable)
     * @param errorMessage the failure's message, or null
     * @param failedAt     epoch ms when it was dead-lettered, or null
     * @param submittedAt  epoch ms when the gateway accepted it, or null
     * @param replayedAt   epoch ms of its last replay, or null
     * @param body         the task's raw bytes
     */
    @SuppressWarnings("ArrayRecordComponent") // handed to the answer as it is, never compared
    public record Parked(
            String id,
            String queue,
            int attempt,
            String errorClass,
            String errorMessage,
            Long failedAt,
            Long submittedAt,
            Long replayedAt,
            byte[] body) {

        /** The start of the body as text, for a listing. */
        public String preview() {
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS) + "...";
        }
    }

    /**
     * A page of a listing.
     *
     * @param tasks the tasks after the cursor, in queue order
     * @param depth tasks parked when the listing started
     * @param more  whether tasks follow the last one of this page
     */
    public record Page(List<Parked> tasks, long depth, boolean more) {}

    /** Which parked tasks a replay takes. */
    public sealed interface Selection {
        /** Every task parked when the replay starts. */
        record All() implements Selection {}

        /** The first {@code count} tasks in queue order. */
        record First(int count) implements Selection {}

        /** The tasks with these ids. */
        record Ids(Set<String> ids) implements Selection {
            public Ids {
                ids = Set.copyOf(ids);
            }
        }
    }

    /**
     * What a replay did.
     *
     * @param moved    tasks now in their queue and gone from the parking queue
     * @param notFound requested ids that are not parked here
     * @param notMoved tasks that stay parked, by id, with the reason
     */
    public record Replayed(int moved, List<String> notFound, Map<String, String> notMoved) {}

    /**
     * Lists up to {@code limit} tasks after the task {@code after} (from the head when null).
     *
     * @throws IllegalArgumentException when {@code after} is not parked here
     */
    public Page list(String source, String targetQueue, int limit, String after) {
        return locked(source, ch -> {
            long depth = rotatable(ch, source);
            List<Parked> page = new ArrayList<>();
            boolean[] state = {after == null, false}; // past the cursor, more after the page
            rotate(ch, source, depth, (get, copy) -> {
                copy.run();
                if (!state[0]) {
                    state[0] = after.equals(read(get, targetQueue).id());
                } else if (page.size() < limit) {
                    page.add(read(get, targetQueue));
                } else {
                    state[1] = true;
                }
            });
            if (!state[0]) {
                throw new IllegalArgumentException("no parked task '" + after + "' in " + source);
            }
            return new Page(List.copyOf(page), depth, state[1]);
        });
    }

    /**
     * Replays the selected tasks into their queue.
     *
     * @param targetQueue the queue every task goes to, or null for the routing key it was originally published with
     *                    (a task parked in {@value Topology#UNROUTABLE})
     */
    public Replayed replay(String source, String targetQueue, Selection selection) {
        return locked(source, ch -> {
            long depth = selection instanceof Selection.Ids ? rotatable(ch, source) : depth(ch, source);
            Set<String> wanted = selection instanceof Selection.Ids ids ? ids.ids() : Set.of();
            Set<String> found = new LinkedHashSet<>();
            Map<String, String> notMoved = new java.util.LinkedHashMap<>();
            int[] moved = {0};
            long take =
                    switch (selection) {
                        case Selection.All all -> depth;
                        case Selection.First first -> Math.min(depth, first.count());
                        // Picking tasks out of the middle keeps the others' order only by rotating all of them.
                        case Selection.Ids ids -> depth;
                    };
            rotate(ch, source, take, (get, copy) -> {
                Parked task = read(get, targetQueue);
                if (selection instanceof Selection.Ids && !wanted.contains(task.id())) {
                    copy.run();
                    return;
                }
                found.add(task.id());
                String failure = replayOne(ch, returns, get, task);
                if (failure == null) {
                    moved[0]++;
                } else {
                    notMoved.put(task.id(), failure);
                    copy.run();
                }
            });
            List<String> notFound =
                    wanted.stream().filter(id -> !found.contains(id)).sorted().toList();
            return new Replayed(moved[0], notFound, notMoved);
        });
    }

    /** Deletes every task parked in {@code source}; answers how many. */
    public long purge(String source) {
        return locked(source, ch -> (long) ch.queuePurge(source).getMessageCount());
    }

    /** Tasks parked in {@code source}. */
    public long depth(String source) {
        return locked(source, ch -> depth(ch, source));
    }

    /** Publishes one task to its queue and waits for the confirm; returns why it failed, or null. */
    private String replayOne(Channel ch, ReturnWatch returns, GetResponse get, Parked task)
            throws IOException, InterruptedException, TimeoutException {
        // Earlier copies are confirmed first, so the outcome below is this task's alone.
        ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
        returns.returned = null;
        Map<String, Object> headers = replayHeaders(get.getProps().getHeaders());
        ch.basicPublish(
                "",
                task.queue(),
                true,
                get.getProps().builder().headers(headers).build(),
                get.getBody());
        boolean confirmed = ch.waitForConfirms(confirmTimeout.toMillis());
        if (returns.returned != null) {
            return "queue '" + task.queue() + "' does not exist (" + returns.returned + ")";
        }
        return confirmed ? null : "queue '" + task.queue() + "' refused it (full)";
    }

    private Map<String, Object> replayHeaders(Map<String, Object> received) {
        Map<String, Object> headers = new HashMap<>();
        if (received != null) {
            received.forEach((name, value) -> {
                // A replay is an operator's fresh decision: the task's old deadline would expire it again at once.
                if (!name.startsWith("x-")
                        && !name.startsWith("levee-error-")
                        && !name.equals(WireHeaders.FAILED_AT)
                        && !name.equals(WireHeaders.DEADLINE)) {
                    headers.put(name, value);
                }
            });
        }
        headers.put(WireHeaders.ATTEMPT, 1);
        headers.put(WireHeaders.REPLAYED_AT, clock.millis());
        return headers;
    }

    /** What to do with one fetched message; {@code copy} puts an identical copy at the tail of the source. */
    @FunctionalInterface
    private interface Visit {
        void accept(GetResponse get, CopyAction copy) throws IOException, InterruptedException, TimeoutException;
    }

    @FunctionalInterface
    private interface CopyAction {
        void run() throws IOException;
    }

    /**
     * Takes {@code count} messages from the head of {@code source}, hands each to {@code visit}, and acknowledges
     * them once everything published for them meanwhile is confirmed.
     */
    private void rotate(Channel ch, String source, long count, Visit visit)
            throws IOException, InterruptedException, TimeoutException {
        long lastTag = 0;
        int sinceAck = 0;
        for (long i = 0; i < count; i++) {
            GetResponse get = ch.basicGet(source, false);
            if (get == null) {
                break;
            }
            lastTag = get.getEnvelope().getDeliveryTag();
            visit.accept(get, () -> copyToTail(ch, source, get));
            if (++sinceAck >= CONFIRM_BATCH) {
                ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
                ch.basicAck(lastTag, true);
                sinceAck = 0;
            }
        }
        if (sinceAck > 0) {
            ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
            ch.basicAck(lastTag, true);
        }
    }

    /**
     * Publishes an identical copy of a fetched message to the tail of its queue. A task parked in
     * {@value Topology#UNROUTABLE} goes back through that (fanout) exchange with its original routing key, which
     * names the queue it is meant for; a copy through the default exchange would carry the parking queue's name
     * instead.
     */
    private static void copyToTail(Channel ch, String source, GetResponse get) throws IOException {
        AMQP.BasicProperties props = copyProperties(get.getProps());
        if (source.equals(Topology.UNROUTABLE)) {
            ch.basicPublish(Topology.UNROUTABLE, get.getEnvelope().getRoutingKey(), false, props, get.getBody());
        } else {
            ch.basicPublish("", source, false, props, get.getBody());
        }
    }

    /** The properties of a copy: the same, without the broker's delivery count of the original. */
    private static AMQP.BasicProperties copyProperties(AMQP.BasicProperties props) {
        if (props.getHeaders() == null || !props.getHeaders().containsKey("x-delivery-count")) {
            return props;
        }
        Map<String, Object> headers = new HashMap<>(props.getHeaders());
        headers.remove("x-delivery-count");
        return props.builder().headers(headers).build();
    }

    private static Parked read(GetResponse get, String targetQueue) {
        AMQP.BasicProperties p = get.getProps();
        Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
        String id = text(h.get(WireHeaders.TASK_ID));
        if (id == null) {
            id = p.getMessageId();
        }
        if (id == null) {
            id = "unidentified-" + get.getEnvelope().getDeliveryTag();
        }
        String queue = targetQueue;
        if (queue == null) {
            String key = get.getEnvelope().getRoutingKey();
            queue = key == null || key.isEmpty() ? text(h.get(WireHeaders.QUEUE)) : key;
        }
        return new Parked(
                id,
                queue,
                (int) number(h.get(WireHeaders.ATTEMPT), 1L),
                text(h.get(WireHeaders.ERROR_CLASS)),
                text(h.get(WireHeaders.ERROR_MESSAGE)),
                numberOrNull(h.get(WireHeaders.FAILED_AT)),
                numberOrNull(h.get(WireHeaders.SUBMITTED_AT)),
                numberOrNull(h.get(WireHeaders.REPLAYED_AT)),
                get.getBody());
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static long number(Object value, long otherwise) {
        Long n = numberOrNull(value);
        return n == null ? otherwise : n;
    }

    private static Long numberOrNull(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long depth(Channel ch, String source) throws IOException {
        return ch.queueDeclarePassive(source).getMessageCount();
    }

    /** The depth of a queue about to be rotated, refused when one rotation would be too long. */
    private static long rotatable(Channel ch, String source) throws IOException {
        long depth = depth(ch, source);
        if (depth > MAX_SCAN) {
            throw new TooManyParkedException(source, depth);
        }
        return depth;
    }

    @FunctionalInterface
    private interface ChannelWork<T> {
        T apply(Channel channel) throws IOException, InterruptedException, TimeoutException;
    }

    /**
     * Runs one operation at a time in this replica (two rotations of one queue at once would interleave their
     * copies) on one long-lived confirm-mode channel. The channel stays open because closing it races with the
     * acknowledgements just sent: measured on RabbitMQ 3.10, a quorum queue hands back as unacknowledged up to a
     * third of the messages acknowledged right before a channel closes, which would duplicate them.
     */
    private <T> T locked(String source, ChannelWork<T> work) {
        lock.lock();
        try {
            return work.apply(channel());
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // What was fetched and not acknowledged goes back to the queue with the channel.
            abort(channel);
            channel = null;
            throw new BrokerUnavailableException("cannot work on " + source + " at " + broker.redacted() + ": " + e, e);
        } catch (InterruptedException e) {
            abort(channel);
            channel = null;
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while working on " + source, e);
        } catch (RuntimeException e) {
            abort(channel);
            channel = null;
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (connection == null || !connection.isOpen()) {
            connection = broker.newConnection("levee-parked");
        }
        channel = connection.createChannel();
        channel.confirmSelect();
        channel.addReturnListener(r -> returns.returned = r.getReplyText());
        return channel;
    }

    private static void abort(Channel ch) {
        if (ch != null && ch.isOpen()) {
            try {
                ch.abort();
            } catch (IOException e) {
                LOG.log(Level.FINE, "aborting a parked-task channel", e);
            }
        }
    }

    @PreDestroy
    void close() {
        lock.lock();
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(2_000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing the parked-task connection", e);
        } finally {
            lock.unlock();
        }
    }

    private static final class ReturnWatch {
        volatile String returned;
    }
}
