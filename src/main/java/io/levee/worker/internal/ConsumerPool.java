package io.levee.worker.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.levee.config.WorkerSettings;
import io.levee.messaging.Broker;
import io.levee.messaging.RedirectPublisher;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The consumers of one queue: one broker connection with {@code concurrency} channels ("sessions"), each running a
 * {@link SessionConsumer} with a bounded prefetch ({@code basic.qos}). amqp-client rather than JMS listeners: see
 * docs/handlers.md, "Why amqp-client for consuming".
 *
 * <p>Keeps "the consumers could not be set up" apart from task outcomes: a connection that cannot be opened, a
 * connection that dies, or a session that can no longer acknowledge correctly makes the whole pool reconnect with
 * capped exponential backoff, reporting itself down meanwhile. A handler's failure never gets here.
 */
final class ConsumerPool {

    private static final Logger LOG = Logger.getLogger(ConsumerPool.class.getName());
    private static final Duration ACK_TICK = Duration.ofMillis(25);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final HandlerEndpoint endpoint;
    private final HandlerInvoker invoker;
    private final Broker broker;
    private final RedirectPublisher redirect;
    private final WorkerSettings settings;
    private final Clock clock;
    private final TaskLifecycle lifecycle;
    private final DuplicateFilter duplicates;
    private final TaskListener listener;
    private final Backoff reconnectBackoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
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
            RedirectPublisher redirect,
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
        this.redirect = redirect;
        this.settings = settings;
        this.clock = clock;
        this.dispatch = Executors.newFixedThreadPool(
                endpoint.concurrency(),
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
        // Recovery is ours (the whole pool, with backoff and readiness), not amqp-client's: the broker's connection
        // has none. amqp-client dispatches each channel's deliveries on a pool of 2 × CPUs threads and the handler
        // runs on it: on a small machine only two or four sessions would ever run at once. A thread per session
        // lifts that bound to the configured concurrency. Named, so that an operator (or a test) can find it.
        Connection c = broker.newConnection("levee-consumers-" + queue(), dispatch);
        try {
            int ackEvery = Math.max(1, Math.min(settings.ackBatch(), endpoint.prefetch() / 2));
            List<SessionConsumer> created = new ArrayList<>();
            for (int i = 0; i < endpoint.concurrency(); i++) {
                Channel channel = c.createChannel();
                channel.basicQos(endpoint.prefetch());
                SessionConsumer consumer = new SessionConsumer(
                        channel,
                        endpoint,
                        invoker,
                        redirect,
                        clock,
                        ackEvery,
                        () -> failed(gen, null),
                        gate,
                        lifecycle,
                        duplicates,
                        listener);
                if (gate.isOpen()) {
                    consumer.consume();
                }
                created.add(consumer);
            }
            connection = c;
            consumers = List.copyOf(created);
            up = true;
        } catch (IOException | RuntimeException e) {
            closeInBackground(c);
            throw e;
        }
        LOG.info(() -> (gate.isOpen() ? "Consuming" : "Paused (by an operator) before consuming") + " queue '" + queue()
                + "' with " + endpoint.concurrency() + " session(s), prefetch " + endpoint.prefetch() + " ("
                + endpoint.definition().source() + ")");
    }

    /** The connection or one of its sessions failed: replace them all, unless that already happened. */
    private void failed(int gen, Exception cause) {
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
        // Outside the pool's lock: a consumer takes its own lock to acknowledge, and may call back into failed().
        failed.forEach(SessionConsumer::stop);
        failed.forEach(SessionConsumer::flush);
        closeInBackground(c);
        LOG.log(Level.WARNING, "consumers of queue '" + queue() + "' failed; reconnecting", cause);
        Thread.ofVirtual().name("levee-reconnect-" + queue()).start(() -> {
            try {
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
                LOG.log(Level.WARNING, "cannot resume a session of '" + queue() + "'; replacing the sessions", e);
                Thread.ofVirtual().start(() -> failed(gen, e));
                return;
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
            draining.forEach(SessionConsumer::stop);
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
