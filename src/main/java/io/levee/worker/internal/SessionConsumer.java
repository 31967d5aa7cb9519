package io.levee.worker.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.messaging.MalformedTaskException;
import io.levee.messaging.QueueFullException;
import io.levee.messaging.SettlementPublisher;
import io.levee.messaging.TaskEnvelope;
import io.levee.messaging.TaskIds;
import io.levee.messaging.TaskLifecycle;
import io.levee.messaging.Topology;
import io.levee.messaging.WireHeaders;
import io.levee.worker.BatchFailure;
import io.levee.worker.TaskListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The consumer of one channel ("session"): it handles one delivery at a time, turns whatever the handler did into a
 * {@link TaskOutcome}, and acknowledges.
 *
 * <p>Acknowledgements are batched: every {@code ackEvery} finished tasks, and whenever the pool's idle tick finds
 * finished tasks unacknowledged, one {@code basic.ack(multiple=true)} covers every earlier delivery of the channel
 * (the JMS {@code CLIENT_ACKNOWLEDGE} semantics). That is correct because a channel's deliveries are handled one at
 * a time and in order, so every earlier delivery's outcome is final (its retry or dead-letter copy confirmed) by
 * then. A crash redelivers at most the unacknowledged window (≤ prefetch). See docs/handlers.md for why this is
 * amqp-client and not a JMS listener, and docs/benchmarks.md for the measurements.
 *
 * <p>A failure of this session (an outcome's copy not confirmed, an acknowledgement that cannot go out, the channel
 * closed by anyone but the pool) is reported once to the pool, which replaces this session alone: the tasks of the
 * other sessions are not disturbed.
 */
final class SessionConsumer extends DefaultConsumer {

    private static final Logger LOG = Logger.getLogger(SessionConsumer.class.getName());
    private static final int MAX_ERROR_MESSAGE = 1_000;

    private final HandlerEndpoint endpoint;
    private final HandlerInvoker invoker;
    private final SettlementPublisher settlement;
    private final Clock clock;
    private final int ackEvery;
    private final BiConsumer<SessionConsumer, Throwable> sessionFailed;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final PauseGate gate;
    private final TaskLifecycle lifecycle;
    private final DuplicateFilter duplicates;
    private final TaskListener listener;
    private final Backoff returnBackoff = new Backoff(Duration.ofMillis(20), Duration.ofSeconds(1));

    private final HandlerDefinition.Batch batch;
    /** Deliveries are collected and taken by this session's own thread (batches, or windows checked for repeats). */
    private final boolean collecting;

    private final BlockingQueue<Delivery> collected = new LinkedBlockingQueue<>();

    private volatile boolean inFlight;
    private volatile boolean stopped;
    private volatile boolean retired;
    private long lastFinished;
    private int unacknowledged;

    /**
     * @param ackEvery      finished tasks after which the session acknowledges
     * @param sessionFailed called when this session can no longer acknowledge correctly and must be replaced
     */
    SessionConsumer(
            Channel channel,
            HandlerEndpoint endpoint,
            HandlerInvoker invoker,
            SettlementPublisher settlement,
            Clock clock,
            int ackEvery,
            BiConsumer<SessionConsumer, Throwable> sessionFailed,
            PauseGate gate,
            TaskLifecycle lifecycle,
            DuplicateFilter duplicates,
            TaskListener listener) {
        super(channel);
        this.duplicates = duplicates;
        this.listener = listener;
        this.lifecycle = lifecycle;
        this.gate = gate;
        this.endpoint = endpoint;
        this.invoker = invoker;
        this.settlement = settlement;
        this.clock = clock;
        this.ackEvery = ackEvery;
        this.sessionFailed = sessionFailed;
        this.batch = endpoint.definition().batch().orElse(null);
        this.collecting = batch != null || duplicates.checksWindows();
        if (collecting) {
            Thread.ofPlatform()
                    .daemon()
                    .name((batch != null ? "levee-batch-" : "levee-window-")
                            + endpoint.queue().name())
                    .start(this::takeCollected);
        }
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope delivery, AMQP.BasicProperties properties, byte[] body) {
        if (collecting) {
            // Never blocks: at most prefetch deliveries are unacknowledged.
            collected.add(new Delivery(delivery.getDeliveryTag(), delivery.isRedeliver(), properties, body));
            return;
        }
        inFlight = true;
        try {
            gate.awaitOpen(() -> stopped);
            // Once stopped, deliveries stay unacknowledged and go back to the queue when the channel closes.
            if (!stopped) {
                handle(delivery.getDeliveryTag(), delivery.isRedeliver(), properties, body, null);
            }
        } catch (RuntimeException e) {
            outcomeNotRecorded(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight = false;
        }
    }

    /**
     * A session whose deliveries are collected, on its own thread, one group at a time in delivery order. A batch
     * handler's: the first waiting delivery, then more until the batch is full or its wait ran out (plus whatever is
     * already waiting, up to the size), handled in one call. A handler deduplicating with a store a round trip away
     * (Redis): every delivery waiting (its prefetch window), checked for repeats in one round trip, then handled one
     * at a time.
     */
    private void takeCollected() {
        while (!stopped) {
            try {
                Delivery first = collected.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Delivery> deliveries = new ArrayList<>();
                deliveries.add(first);
                if (batch != null) {
                    fillBatch(deliveries);
                } else {
                    collected.drainTo(deliveries);
                }
                inFlight = true;
                if (batch != null) {
                    gate.awaitOpen(() -> stopped);
                    // Once stopped, deliveries stay unacknowledged and go back to the queue when the channel closes.
                    if (!stopped) {
                        handleBatch(deliveries);
                    }
                } else {
                    handleWindow(deliveries);
                }
            } catch (RuntimeException e) {
                outcomeNotRecorded(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                inFlight = false;
            }
        }
    }

    private void fillBatch(List<Delivery> deliveries) throws InterruptedException {
        long until = System.nanoTime() + batch.window().toNanos();
        while (deliveries.size() < batch.size()) {
            long left = until - System.nanoTime();
            Delivery next = left > 0 ? collected.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            deliveries.add(next);
        }
        collected.drainTo(deliveries, batch.size() - deliveries.size());
    }

    /**
     * Handles a deduplicating session's window one task at a time, with the duplicate store's answers for all of it;
     * answers older than {@link DuplicateFilter#ANSWERS_FOR} are asked again for the rest of the window.
     */
    private void handleWindow(List<Delivery> window) throws InterruptedException {
        DuplicateFilter.Window answers = duplicates.check(taskIds(window));
        for (int i = 0; i < window.size(); i++) {
            gate.awaitOpen(() -> stopped);
            // Once stopped, deliveries stay unacknowledged and go back to the queue when the channel closes.
            if (stopped) {
                return;
            }
            if (!duplicates.fresh(answers)) {
                answers = duplicates.check(taskIds(window.subList(i, window.size())));
            }
            Delivery d = window.get(i);
            handle(d.tag(), d.redeliver(), d.properties(), d.body(), answers);
        }
    }

    /** The ids the deliveries will have once decoded (an unreadable one's too: its check is simply not used). */
    private static List<String> taskIds(List<Delivery> deliveries) {
        List<String> ids = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            Map<String, Object> received = d.properties().getHeaders() == null
                    ? Map.of()
                    : d.properties().getHeaders();
            ids.add(TaskIds.resolve(received, d.properties(), d.body()).id());
        }
        return ids;
    }

    /**
     * The outcome's copy was not confirmed (broker unreachable, queue missing or refusing): this message must not be
     * acknowledged, and a later group acknowledgement would include it. This session stops here; the pool replaces
     * it, and closing its channel returns the task to the queue.
     */
    private void outcomeNotRecorded(RuntimeException e) {
        LOG.log(
                Level.WARNING,
                "cannot record the outcome of a task from '" + endpoint.queue().name()
                        + "'; replacing this session so that the broker redelivers it",
                e);
        fail(e);
    }

    /** The broker cancelled this consumer (its queue was deleted): the session must be set up again. */
    @Override
    public void handleCancel(String consumerTag) {
        LOG.warning("the broker cancelled a consumer of '" + endpoint.queue().name() + "'");
        fail(new IllegalStateException("consumer cancelled by the broker"));
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
        if (retired) {
            return;
        }
        // Whoever closed it (the broker, or the client after an error), the pool did not: this session is gone.
        LOG.warning("a session of '" + endpoint.queue().name() + "' was closed: " + signal.getMessage());
        fail(signal);
    }

    /** A delivery as received, waiting to join a batch. */
    @SuppressWarnings("ArrayRecordComponent")
    private record Delivery(long tag, boolean redeliver, AMQP.BasicProperties properties, byte[] body) {}

    /** A delivery that is to be handled: decoded, neither a repeat nor expired; the attempt listeners hear of. */
    private record Taken(DeliveredTask task, Map<String, Object> received, TaskListener.Attempt attempt) {
        TaskEnvelope envelope() {
            return task.envelope();
        }
    }

    /** @param answers the duplicate store's answers for the session's window, or null */
    private void handle(
            long tag, boolean redeliver, AMQP.BasicProperties properties, byte[] body, DuplicateFilter.Window answers) {
        Taken taken = take(redeliver, properties, body, answers);
        if (taken == null) {
            finished(tag);
            return;
        }
        TaskEnvelope envelope = taken.envelope();
        TaskOutcome outcome;
        Throwable failure;
        byte[] result;
        long started;
        while (true) {
            failure = null;
            result = null;
            lifecycle.started(
                    envelope.queue(), envelope.id(), envelope.attempt(), envelope.submittedAt(), clock.millis());
            started = System.nanoTime();
            try {
                result = invoker.invoke(taken.task());
                outcome = TaskOutcome.DONE;
            } catch (Throwable t) {
                failure = t;
                outcome = TaskOutcome.of(t, envelope.attempt(), endpoint.maxAttempts());
            }
            if (outcome != TaskOutcome.RETURN || returnToQueue(taken)) {
                break;
            }
            // The queue is full: the task stays here, unacknowledged, and runs again after a pause. Handing it back
            // (nack with requeue) would count as a failed delivery against x-delivery-limit on a quorum queue.
            pause(returnBackoff.next());
            if (stopped) {
                // Unacknowledged: closing the channel returns it to the queue.
                taken.attempt().abandoned(new IllegalStateException("the session stopped while its task waited"));
                return;
            }
        }
        if (outcome == TaskOutcome.RETURN) {
            taken.attempt().finished(outcome.reported(), failure, System.nanoTime() - started);
        } else {
            settle(taken, outcome, failure, result, System.nanoTime() - started);
        }
        finished(tag);
        if (outcome == TaskOutcome.RETURN) {
            // Not the task's fault (bulkhead full, circuit open, rate limit): back off instead of spinning.
            pause(returnBackoff.next());
        }
    }

    /** Whether the task went back to the tail of its queue; false when the queue is full and refused it. */
    private boolean returnToQueue(Taken taken) {
        TaskEnvelope envelope = taken.envelope();
        try {
            settlement.returnToQueue(envelope, wireHeaders(envelope, taken.received()));
            return true;
        } catch (QueueFullException full) {
            LOG.fine(() -> "queue '" + envelope.queue() + "' is full; task " + envelope.id() + " waits in its session");
            return false;
        } catch (RuntimeException notRecorded) {
            taken.attempt().abandoned(notRecorded);
            throw notRecorded;
        }
    }

    /**
     * One call of a batch handler for these deliveries (in delivery order). Tasks that are unreadable, repeats or
     * expired are settled on their own first; the others go to the handler together and each gets the outcome of
     * the call, or its own from a {@link BatchFailure}. A task to be returned into a queue that is full waits in
     * this session, unacknowledged, and the handler is called again with the tasks that wait, after a back-off, as
     * for a single task: no attempt and no delivery is spent. With duplicate suppression, the batch is checked for
     * repeats in one round trip, and a second copy of a task in the batch goes to a later call. Only when every task
     * of the batch is settled are they finished (acknowledged), since an acknowledgement covers every earlier
     * delivery of the session.
     */
    private void handleBatch(List<Delivery> deliveries) {
        List<Delivery> left = deliveries;
        List<String> ids = duplicates.enabled() ? taskIds(deliveries) : null;
        DuplicateFilter.Window answers = duplicates.checksWindows() ? duplicates.check(ids) : null;
        boolean returned = false;
        while (!left.isEmpty()) {
            List<Delivery> call = left;
            List<Delivery> later = List.of();
            if (ids != null) {
                // A task whose id is in the batch twice reaches the handler once per call: its later copy waits for
                // the next call, by when a success of the first makes it a repeat.
                call = new ArrayList<>();
                later = new ArrayList<>();
                Set<String> inCall = new HashSet<>();
                List<String> leftIds = left == deliveries ? ids : taskIds(left);
                for (int i = 0; i < left.size(); i++) {
                    (inCall.add(leftIds.get(i)) ? call : later).add(left.get(i));
                }
            }
            BatchSettled settled = handleCall(call, answers);
            returned |= settled.returned();
            if (!settled.waiting().isEmpty()) {
                // The session stopped while tasks waited for room in the full queue. The tasks settled before the
                // first unsettled one are finished; closing the channel returns the rest.
                long firstUnsettled = settled.waiting().getFirst().tag();
                if (!later.isEmpty()) {
                    firstUnsettled = Math.min(firstUnsettled, later.getFirst().tag());
                }
                for (Delivery d : deliveries) {
                    if (d.tag() < firstUnsettled) {
                        finished(d.tag());
                    }
                }
                return;
            }
            left = later;
        }
        for (Delivery d : deliveries) {
            finished(d.tag());
        }
        if (returned) {
            pause(returnBackoff.next());
        }
    }

    /**
     * Takes these deliveries and calls the handler with those to be handled until each is settled: a task whose
     * return the full queue refused is called again after a back-off. Answers the tasks still waiting when the
     * session stopped (none otherwise).
     */
    private BatchSettled handleCall(List<Delivery> deliveries, DuplicateFilter.Window answers) {
        List<Called> called = new ArrayList<>();
        List<Taken> taken = new ArrayList<>();
        List<Long> tags = new ArrayList<>();
        for (Delivery d : deliveries) {
            Taken t = take(d.redeliver(), d.properties(), d.body(), answers);
            if (t != null) {
                taken.add(t);
                tags.add(d.tag());
            }
        }
        List<Object> bound = invoker.bindBatch(taken.stream().map(Taken::task).toList());
        for (int i = 0; i < taken.size(); i++) {
            if (bound.get(i) instanceof UnreadablePayloadException e) {
                settle(taken.get(i), TaskOutcome.DEAD_LETTER, e, null, 0);
            } else {
                called.add(new Called(tags.get(i), taken.get(i), bound.get(i)));
            }
        }
        boolean returned = false;
        while (!called.isEmpty()) {
            BatchSettled settled = callBatch(called);
            returned |= settled.returned();
            called = settled.waiting();
            if (called.isEmpty()) {
                break;
            }
            // The queue is full: these tasks stay here, unacknowledged, and run again after a pause.
            pause(returnBackoff.next());
            if (stopped) {
                for (Called c : called) {
                    c.taken()
                            .attempt()
                            .abandoned(new IllegalStateException("the session stopped while its task waited"));
                }
                return new BatchSettled(returned, called);
            }
        }
        return new BatchSettled(returned, List.of());
    }

    /** A task of a batch that goes to the handler: its delivery tag, and its payload as bound to the element type. */
    private record Called(long tag, Taken taken, Object payload) {}

    /**
     * What calling a batch handler left: whether a task went back to its queue, and the tasks (in delivery order)
     * whose return the full queue refused.
     */
    private record BatchSettled(boolean returned, List<Called> waiting) {}

    /** Calls the batch handler once with these tasks and settles each; answers the ones that wait. */
    private BatchSettled callBatch(List<Called> called) {
        long now = clock.millis();
        for (Called c : called) {
            TaskEnvelope e = c.taken().envelope();
            lifecycle.started(e.queue(), e.id(), e.attempt(), e.submittedAt(), now);
        }
        Throwable whole = null;
        Map<Integer, Throwable> items = Map.of();
        long started = System.nanoTime();
        try {
            invoker.invokeBatch(
                    called.stream().map(Called::payload).toList(),
                    called.stream().map(c -> c.taken().task()).toList());
        } catch (BatchFailure f) {
            items = f.items();
        } catch (Throwable t) {
            whole = t;
        }
        long handlerNanos = System.nanoTime() - started;
        boolean returned = false;
        List<Called> waiting = new ArrayList<>();
        for (int i = 0; i < called.size(); i++) {
            Throwable failure = whole != null ? whole : items.get(i);
            Taken t = called.get(i).taken();
            TaskOutcome outcome = failure == null
                    ? TaskOutcome.DONE
                    : TaskOutcome.of(failure, t.envelope().attempt(), endpoint.maxAttempts());
            if (outcome != TaskOutcome.RETURN) {
                settle(t, outcome, failure, null, handlerNanos);
            } else if (returnToQueue(t)) {
                returned = true;
                t.attempt().finished(outcome.reported(), failure, handlerNanos);
            } else {
                waiting.add(called.get(i));
            }
        }
        return new BatchSettled(returned, waiting);
    }

    /**
     * Decodes a delivery and settles it at once when it is not to be handled: unreadable (dead-lettered), a repeat
     * of a succeeded task (skipped), or past its deadline (dead-lettered as expired); then answers null, and the
     * caller finishes it.
     */
    private Taken take(
            boolean redeliver, AMQP.BasicProperties properties, byte[] body, DuplicateFilter.Window answers) {
        Map<String, Object> received = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
        Map<String, String> headers = new HashMap<>();
        received.forEach((k, v) -> headers.put(k, String.valueOf(v)));
        TaskEnvelope envelope;
        try {
            envelope = decode(properties, headers, body);
        } catch (MalformedTaskException e) {
            TaskEnvelope unreadable = fallbackEnvelope(properties, headers, body);
            TaskListener.Attempt attempt =
                    listener.started(new DeliveredTask(unreadable, headers, Optional.empty(), redeliver));
            try {
                deadLetter(unreadable, received, e);
            } catch (RuntimeException notRecorded) {
                attempt.abandoned(notRecorded);
                throw notRecorded;
            }
            attempt.finished(TaskListener.Outcome.DEAD_LETTERED, e, 0);
            lifecycle.dead(
                    unreadable.queue(),
                    unreadable.id(),
                    1,
                    0,
                    clock.millis(),
                    e.getClass().getName(),
                    e.getMessage());
            return null;
        }
        long now = clock.millis();
        if (envelope.notBefore() > now) {
            // Not due: never handled early, whoever sent it here.
            Duration left = Duration.ofMillis(envelope.notBefore() - now);
            if (left.compareTo(endpoint.queue().maxDelay()) > 0) {
                // A producer's not-before beyond what the queue's ladder holds: it could never be released.
                MalformedTaskException tooFar = new MalformedTaskException("levee-not-before "
                        + Instant.ofEpochMilli(envelope.notBefore())
                        + " is further ahead than the queue's max-delay of "
                        + endpoint.queue().maxDelay());
                TaskListener.Attempt attempt =
                        listener.started(new DeliveredTask(envelope, headers, Optional.empty(), redeliver));
                try {
                    deadLetter(envelope, received, tooFar);
                } catch (RuntimeException notRecorded) {
                    attempt.abandoned(notRecorded);
                    throw notRecorded;
                }
                attempt.finished(TaskListener.Outcome.DEAD_LETTERED, tooFar, 0);
                return null;
            }
            LOG.fine(() -> "task " + envelope.id() + " of '" + envelope.queue() + "' is due in " + left
                    + "; back into its delay ladder");
            settlement.delay(endpoint.queue(), envelope, wireHeaders(envelope, received), left);
            return null;
        }
        long deadline = endpoint.taskDeadline(envelope, replayedAt(headers));
        boolean redelivered = redeliver || deliveryCount(headers) > 0;
        if (duplicates.isRepeat(envelope.id(), answers)) {
            LOG.fine(() -> "task " + envelope.id() + " of '" + envelope.queue()
                    + "' already succeeded; acknowledged without handling it again");
            listener.started(new DeliveredTask(envelope, headers, Optional.empty(), redelivered))
                    .finished(TaskListener.Outcome.DUPLICATE, null, 0);
            return null;
        }
        if (deadline > 0 && now >= deadline) {
            TaskListener.Attempt attempt =
                    listener.started(new DeliveredTask(envelope, headers, Optional.empty(), redelivered));
            try {
                expire(envelope.withDeadline(deadline), received, now);
            } catch (RuntimeException notRecorded) {
                attempt.abandoned(notRecorded);
                throw notRecorded;
            }
            attempt.finished(TaskListener.Outcome.EXPIRED, null, 0);
            return null;
        }
        DeliveredTask task = new DeliveredTask(envelope, headers, invocationDeadline(deadline), redelivered);
        TaskListener.Attempt attempt = listener.started(task);
        String passedOn = attempt.traceparent(task.traceparent());
        if (!java.util.Objects.equals(passedOn, task.traceparent())) {
            task = task.withTraceparent(passedOn);
        }
        return new Taken(task, received, attempt);
    }

    /**
     * Records a handled task's outcome: its retry, dead-letter or return copy confirmed, and its lifecycle; then
     * tells the attempt's listener.
     *
     * @param handlerNanos how long the handler ran (the whole call, for a batch)
     */
    private void settle(Taken taken, TaskOutcome outcome, Throwable failure, byte[] result, long handlerNanos) {
        try {
            record(taken, outcome, failure, result);
        } catch (RuntimeException notRecorded) {
            taken.attempt().abandoned(notRecorded);
            throw notRecorded;
        }
        taken.attempt().finished(outcome.reported(), failure, handlerNanos);
    }

    private void record(Taken taken, TaskOutcome outcome, Throwable failure, byte[] result) {
        TaskEnvelope envelope = taken.envelope();
        Map<String, Object> received = taken.received();
        switch (outcome) {
            case DONE -> {
                returnBackoff.reset();
                duplicates.succeeded(envelope.id());
                lifecycle.succeeded(
                        envelope.queue(),
                        envelope.id(),
                        envelope.attempt(),
                        envelope.submittedAt(),
                        clock.millis(),
                        result);
            }
            case RETRY -> {
                TaskEnvelope next = envelope.nextAttempt();
                String retryQueue = Topology.retryQueue(
                        endpoint.queue().name(), endpoint.queue().retryDelays().get(envelope.attempt() - 1));
                settlement.retry(retryQueue, next, wireHeaders(next, received));
                lifecycle.retrying(
                        envelope.queue(),
                        envelope.id(),
                        envelope.attempt(),
                        envelope.submittedAt(),
                        clock.millis(),
                        failure.getClass().getName(),
                        errorMessage(failure));
            }
            case DEAD_LETTER -> {
                deadLetter(envelope, received, failure);
                lifecycle.dead(
                        envelope.queue(),
                        envelope.id(),
                        envelope.attempt(),
                        envelope.submittedAt(),
                        clock.millis(),
                        failure.getClass().getName(),
                        errorMessage(failure));
            }
            case RETURN -> settlement.returnToQueue(envelope, wireHeaders(envelope, received));
        }
    }

    private static long replayedAt(Map<String, String> headers) {
        return longHeader(headers, WireHeaders.REPLAYED_AT);
    }

    /** The quorum queue's count of earlier deliveries of this message. */
    private static long deliveryCount(Map<String, String> headers) {
        return longHeader(headers, "x-delivery-count");
    }

    private static long longHeader(Map<String, String> headers, String name) {
        try {
            String value = headers.get(name);
            return value == null ? 0L : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    /** The earlier of the task's deadline and the handler's {@code @Timeout} from now, if either exists. */
    private Optional<Instant> invocationDeadline(long taskDeadline) {
        Optional<Instant> timeout = endpoint.timeout().map(t -> clock.instant().plus(t));
        if (taskDeadline <= 0) {
            return timeout;
        }
        Instant task = Instant.ofEpochMilli(taskDeadline);
        return Optional.of(timeout.filter(t -> t.isBefore(task)).orElse(task));
    }

    /** A task taken after its deadline is not handled: it goes to the dead-letter queue as {@code expired}. */
    private void expire(TaskEnvelope envelope, Map<String, Object> received, long now) {
        String message = "taken at " + Instant.ofEpochMilli(now) + ", after its deadline "
                + Instant.ofEpochMilli(envelope.deadline()) + "; not handled";
        LOG.info(() -> "task " + envelope.id() + " of '" + envelope.queue() + "' expired: " + message);
        deadLetter(envelope, received, WireHeaders.EXPIRED, message);
        lifecycle.dead(
                envelope.queue(),
                envelope.id(),
                envelope.attempt(),
                envelope.submittedAt(),
                now,
                WireHeaders.EXPIRED,
                message);
    }

    private TaskEnvelope decode(AMQP.BasicProperties properties, Map<String, String> headers, byte[] body) {
        try {
            return TaskEnvelope.fromWire(headers, properties, endpoint.queue().name(), body);
        } catch (IllegalArgumentException e) {
            throw new MalformedTaskException("unreadable task: " + e.getMessage());
        }
    }

    private TaskEnvelope fallbackEnvelope(AMQP.BasicProperties properties, Map<String, String> headers, byte[] body) {
        TaskIds.Resolved id = TaskIds.resolve(headers, properties, body);
        return new TaskEnvelope(
                id.id(), endpoint.queue().name(), 0, 1, null, null, null, null, id.source(), null, null, body, 0L, 0L);
    }

    private void deadLetter(TaskEnvelope envelope, Map<String, Object> received, Throwable failure) {
        deadLetter(envelope, received, failure.getClass().getName(), errorMessage(failure));
    }

    private void deadLetter(TaskEnvelope envelope, Map<String, Object> received, String errorClass, String message) {
        Map<String, Object> headers = wireHeaders(envelope, received);
        headers.put(WireHeaders.ERROR_CLASS, errorClass);
        headers.put(WireHeaders.ERROR_MESSAGE, message);
        headers.put(WireHeaders.FAILED_AT, clock.millis());
        settlement.deadLetter(endpoint.queue().deadLetterQueue(), envelope, headers);
    }

    private static String errorMessage(Throwable failure) {
        String text = String.valueOf(failure.getMessage());
        return text.length() > MAX_ERROR_MESSAGE ? text.substring(0, MAX_ERROR_MESSAGE) : text;
    }

    /** The received headers that travel with a copy, overlaid with the envelope's own (typed) headers. */
    private static Map<String, Object> wireHeaders(TaskEnvelope envelope, Map<String, Object> received) {
        Map<String, Object> headers = new HashMap<>();
        received.forEach((name, value) -> {
            // The broker's own dead-letter and delivery bookkeeping does not travel, nor does an earlier error.
            if (!name.equals("x-death")
                    && !name.startsWith("x-first-death")
                    && !name.startsWith("x-last-death")
                    && !name.equals("x-delivery-count")
                    && !name.startsWith("levee-error-")
                    && !name.equals(WireHeaders.FAILED_AT)) {
                headers.put(name, value);
            }
        });
        headers.putAll(envelope.headers());
        return headers;
    }

    private void finished(long tag) {
        boolean acknowledged;
        synchronized (this) {
            lastFinished = tag;
            unacknowledged++;
            acknowledged = unacknowledged < ackEvery || acknowledge();
        }
        if (!acknowledged) {
            fail(new IllegalStateException("acknowledgement failed"));
        }
    }

    /** Acknowledges finished tasks that are still unacknowledged; called when the session may have gone idle. */
    void flush() {
        boolean acknowledged;
        synchronized (this) {
            acknowledged = unacknowledged == 0 || acknowledge();
        }
        if (!acknowledged) {
            fail(new IllegalStateException("acknowledgement failed"));
        }
    }

    /** Whether the acknowledgement went out; called holding this consumer's lock. */
    private boolean acknowledge() {
        // Succeeded tasks are recorded before they are acknowledged: a repeat must find them once they are gone.
        duplicates.record();
        try {
            getChannel().basicAck(lastFinished, true);
            unacknowledged = 0;
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot acknowledge tasks of '" + endpoint.queue().name() + "'; the broker will redeliver them",
                    e);
            return false;
        }
    }

    /**
     * Stops this session and reports it to the pool, once; outside this consumer's lock, as the pool takes its own.
     * Nothing is reported after {@link #retire}.
     */
    private void fail(Throwable cause) {
        stop();
        if (!retired && reported.compareAndSet(false, true)) {
            sessionFailed.accept(this, cause);
        }
    }

    /** The pool is closing or replacing this session: it stops, and its channel's closing is no failure. */
    void retire() {
        retired = true;
        stop();
    }

    /** Closes this session's channel, which returns its unacknowledged deliveries to the queue. */
    void abortChannel() {
        retire();
        try {
            getChannel().abort();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "aborting a session of '" + endpoint.queue().name() + "'", e);
        }
    }

    /** Takes no new deliveries from now on; finished ones can still be flushed. */
    void stop() {
        stopped = true;
        gate.wake();
    }

    /** Asks the broker to deliver to this consumer (again, after {@link #cancel}). */
    void consume() throws IOException {
        getChannel().basicConsume(endpoint.queue().name(), false, this);
    }

    /** Asks the broker to stop delivering to this consumer. */
    void cancel() {
        try {
            getChannel().basicCancel(getConsumerTag());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cancelling a consumer of '" + endpoint.queue().name() + "'", e);
        }
    }

    /** Whether a delivery is being handled right now. */
    boolean inFlight() {
        return inFlight;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
