package io.levee.worker.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.levee.config.WorkerSettings;
import io.levee.messaging.Broker;
import io.levee.messaging.SettlementPublisher;
import io.levee.messaging.TaskLifecycle;
import io.levee.worker.TaskListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The consumers of one queue: one broker connection with {@code concurrency} channels ("sessions"), each running a
 * {@link SessionConsumer} with a bounded prefetch ({@code basic.qos}). amqp-client rather than JMS listeners: see
 * docs/handlers.md, "Why amqp-client for consuming".
 *
 * <p>Keeps "the consumers could not be set up" apart from task outcomes, and a failure with its owner (as Spring's
 * {@code DefaultMessageListenerContainer} lets each invoker recreate only its own session): a session that fails (an
 * outcome's copy not confirmed, an acknowledgement that cannot go out, its channel closed) is replaced alone, on the
 * same connection, while the other sessions go on handling and acknowledging their tasks; only a connection that
 * failed makes the pool reconnect, with capped exponential backoff, reporting itself down meanwhile. The previous
 * connection is closed before the next one opens: a pool never holds two. A handler's failure never gets here.
 */
final class ConsumerPool {

    private static final Logger LOG = Logger.getLogger(ConsumerPool.class.getName());
    private static final Duration ACK_TICK = Duration.ofMillis(25);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final HandlerEndpoint endpoint;
    private final HandlerInvoker invoker;
    private final Broker broker;
    private final SettlementPublisher settlement;
    private final WorkerSettings settings;
    private final Clock clock;
    private final TaskLifecycle lifecycle;
    private final DuplicateFilter duplicates;
    private final TaskListener listener;
    private final Backoff reconnectBackoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
    private final Backoff sessionBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    private final AtomicBoolean started = new AtomicBoolean();
    private final ScheduledExecutorService ticker;
    private final ExecutorService dispatch;
    private final PauseGate gate = new PauseGate();

    private Connection connection;
    private volatile List<SessionConsumer> consumers = List.of();
    private volatile boolean up;
    private volatile boolean stopping;
    private int generation;

    ConsumerPool(
            HandlerEndpoint endpoint,
            HandlerInvoker invoker,
            Broker broker,
            SettlementPublisher settlement,
            WorkerSettings settings,
            Clock clock,
            TaskLifecycle lifecycle,
            DuplicateFilter duplicates,
            TaskListener listener) {
        this.endpoint = endpoint;
        this.duplicates = duplicates;
        this.listener = listener;
        this.lifecycle = lifecycle;
        this.invoker = invoker;
        this.broker = broker;
        this.settlement = settlement;
        this.settings = settings;
        this.clock = clock;
        // One thread more than sessions: a replacement session does not wait for the one it replaces to finish.
        this.dispatch = Executors.newFixedThreadPool(
                endpoint.concurrency() + 1,
                Thread.ofPlatform()
                        .daemon()
                        .name("levee-dispatch-" + endpoint.queue().name() + "-", 0)
                        .factory());
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("levee-ack-" + endpoint.queue().name())
                .factory());
    }

    /** Connects in the background, retrying with capped exponential backoff until it succeeds or is stopped. */
    void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        // Ends with the ticker's shutdown on stop; flushAll handles its own errors, so the future holds nothing.
        java.util.concurrent.Future<?> unused = ticker.scheduleWithFixedDelay(
                this::flushAll, ACK_TICK.toMillis(), ACK_TICK.toMillis(), TimeUnit.MILLISECONDS);
        Thread.ofVirtual().name("levee-connect-" + endpoint.queue().name()).start(this::connectLoop);
    }

    /** Whether every session is consuming. */
    boolean isUp() {
        return up;
    }

    String queue() {
        return endpoint.queue().name();
    }

    private void connectLoop() {
        while (!stopping) {
            try {
                connect();
                reconnectBackoff.reset();
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                Duration delay = reconnectBackoff.next();
                LOG.warning("cannot start consumers for queue '" + queue() + "' (" + e + "); retrying in "
                        + delay.toMillis() + " ms");
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private synchronized void connect() throws IOException, TimeoutException {
        if (stopping) {
            return;
        }
        int gen = ++generation;
        // Recovery is ours (sessions one by one, the connection with backoff and readiness), not amqp-client's.
        // amqp-client dispatches each channel's deliveries on a pool of 2 × CPUs threads and the handler runs on
        // it: on a small machine only two or four sessions would ever run at once. A thread per session lifts that
        // bound to the configured concurrency. Named, so that an operator (or a test) can find it.
        Connection c = broker.newConnection("levee-consumers-" + queue(), dispatch);
        try {
            List<SessionConsumer> created = new ArrayList<>();
            for (int i = 0; i < endpoint.concurrency(); i++) {
                created.add(openSession(c, gen));
            }
            connection = c;
            consumers = List.copyOf(created);
            up = true;
        } catch (IOException | RuntimeException e) {
            closeInBackground(c);
            throw e;
        }
        // Called at once if the connection closed meanwhile.
        c.addShutdownListener(signal -> connectionFailed(gen, signal));
        LOG.info(() -> (gate.isOpen() ? "Consuming" : "Paused (by an operator) before consuming") + " queue '" + queue()
                + "' with " + endpoint.concurrency() + " session(s), prefetch " + endpoint.prefetch() + " ("
                + endpoint.definition().source() + ")");
    }

    private SessionConsumer openSession(Connection c, int gen) throws IOException {
        int ackEvery = Math.max(1, Math.min(settings.ackBatch(), endpoint.prefetch() / 2));
        Channel channel = c.createChannel();
        channel.basicQos(endpoint.prefetch());
        SessionConsumer consumer = new SessionConsumer(
                channel,
                endpoint,
                invoker,
                settlement,
                clock,
                ackEvery,
                (failed, cause) -> sessionFailed(gen, failed, cause),
                gate,
                lifecycle,
                duplicates,
                listener);
        if (gate.isOpen()) {
            consumer.consume();
        }
        return consumer;
    }

    /**
     * One session failed: acknowledge what it finished, close its channel (its unacknowledged tasks go back to the
     * queue) and open a new session in its place. When the connection itself is gone, the pool reconnects instead.
     */
    private void sessionFailed(int gen, SessionConsumer failed, Throwable cause) {
        Connection c;
        synchronized (this) {
            if (gen != generation || stopping || !consumers.contains(failed)) {
                return;
            }
            c = connection;
        }
        if (c == null || !c.isOpen() || (cause instanceof ShutdownSignalException s && s.isHardError())) {
            connectionFailed(gen, cause);
            return;
        }
        Thread.ofVirtual().name("levee-replace-session-" + queue()).start(() -> {
            failed.retire();
            failed.flush();
            failed.abortChannel();
            Duration delay = sessionBackoff.next();
            LOG.warning("a session of '" + queue() + "' failed (" + cause + "); replacing that session in "
                    + delay.toMillis() + " ms, the others go on");
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            replace(gen, failed);
        });
    }

    private void replace(int gen, SessionConsumer failed) {
        synchronized (this) {
            if (gen != generation || stopping || !consumers.contains(failed)) {
                return;
            }
            try {
                SessionConsumer next = openSession(connection, gen);
                List<SessionConsumer> replaced = new ArrayList<>(consumers);
                replaced.set(replaced.indexOf(failed), next);
                consumers = List.copyOf(replaced);
                sessionBackoff.reset();
                return;
            } catch (IOException | RuntimeException e) {
                if (connection != null && connection.isOpen()) {
                    LOG.log(Level.WARNING, "cannot open a session of '" + queue() + "'; trying again", e);
                    Thread.ofVirtual().start(() -> sessionFailed(gen, failed, e));
                    return;
                }
            }
        }
        connectionFailed(gen, new IOException("the connection closed while replacing a session"));
    }

    /** The connection failed: retire every session, close the connection, and reconnect, unless already done. */
    private void connectionFailed(int gen, Throwable cause) {
        List<SessionConsumer> failed;
        Connection c;
        synchronized (this) {
            if (gen != generation || stopping) {
                return;
            }
            generation++;
            up = false;
            failed = consumers;
            c = connection;
            connection = null;
            consumers = List.of();
        }
        // Outside the pool's lock: a consumer takes its own lock to acknowledge.
        failed.forEach(SessionConsumer::retire);
        failed.forEach(SessionConsumer::flush);
        LOG.log(Level.WARNING, "the consumer connection of queue '" + queue() + "' failed; reconnecting", cause);
        Thread.ofVirtual().name("levee-reconnect-" + queue()).start(() -> {
            // The old connection is closed before a new one opens: never two for one pool.
            try {
                closeInBackground(c).join(CLOSE_WAIT.plusSeconds(1));
                Thread.sleep(reconnectBackoff.next());
            } catch (InterruptedException e) {
                return;
            }
            connectLoop();
        });
    }

    /**
     * Stops taking tasks until {@link #resume}: the broker stops delivering, running tasks finish, and deliveries
     * already received wait unstarted in the {@link PauseGate}.
     */
    synchronized void pause() {
        if (!gate.isOpen()) {
            return;
        }
        gate.close();
        consumers.forEach(SessionConsumer::cancel);
        LOG.info(() -> "Paused consuming queue '" + queue() + "'");
    }

    /** Takes tasks again after {@link #pause}. */
    synchronized void resume() {
        if (gate.isOpen()) {
            return;
        }
        gate.open();
        int gen = generation;
        for (SessionConsumer c : consumers) {
            try {
                c.consume();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot resume a session of '" + queue() + "'; replacing it", e);
                Thread.ofVirtual().start(() -> sessionFailed(gen, c, e));
            }
        }
        LOG.info(() -> "Resumed consuming queue '" + queue() + "'");
    }

    private void flushAll() {
        for (SessionConsumer c : consumers) {
            c.flush();
        }
    }

    /**
     * Graceful drain: takes no new tasks, lets in-flight handlers finish until the deadline, acknowledges what
     * finished, and closes, which returns every unacknowledged task to the queue.
     */
    void drain(Duration timeout) {
        List<SessionConsumer> draining;
        Connection c;
        synchronized (this) {
            stopping = true;
            draining = consumers;
            c = connection;
            // Sessions stop before the pool reports down, so "down" means no new task starts.
            draining.forEach(SessionConsumer::retire);
            up = false;
        }
        gate.wake();
        // Ask the broker to stop delivering; what is already buffered here is skipped and returned on close.
        draining.forEach(SessionConsumer::cancel);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (draining.stream().anyMatch(SessionConsumer::inFlight) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long unfinished = draining.stream().filter(SessionConsumer::inFlight).count();
        if (unfinished > 0) {
            LOG.warning(unfinished + " task(s) of '" + queue() + "' still running after the drain timeout of "
                    + timeout.toMillis() + " ms; they go back to the queue and will run again");
        }
        draining.forEach(SessionConsumer::flush);
        ticker.shutdownNow();
        Thread closer = closeInBackground(c);
        try {
            closer.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatch.shutdown();
    }

    /**
     * Closes a connection without blocking the caller, which may be one of its consumers (a consumer's thread
     * cannot wait for its own connection to close).
     */
    private Thread closeInBackground(Connection c) {
        return Thread.ofVirtual().name("levee-close-" + queue()).start(() -> {
            if (c == null) {
                return;
            }
            try {
                c.close((int) CLOSE_WAIT.toMillis());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing consumers of '" + queue() + "'", e);
            }
        });
    }
}
