package io.levee.worker.internal;

import io.levee.config.LeveeConfig;
import io.levee.config.StateSettings;
import io.levee.limits.RuntimeLimits;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerReady;
import io.levee.messaging.ControlPlane;
import io.levee.messaging.QueueControl;
import io.levee.messaging.SettlementPublisher;
import io.levee.messaging.TaskLifecycle;
import io.levee.worker.TaskListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Starts a consumer pool per handler once the broker is ready (worker role), and drains them on shutdown before any
 * application-scoped bean (the settlement publisher an in-flight outcome needs) is destroyed.
 */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class.getName());

    private final LeveeConfig config;
    private final Broker broker;
    private final SettlementPublisher settlement;
    private final HandlerExtension handlers;
    private final BeanManager beans;
    private final ControlPlane control;
    private final TaskLifecycle lifecycle;
    private final RuntimeLimits limits;
    private final StateSettings state;
    private final TaskListener listener;
    private final List<ConsumerPool> pools = new CopyOnWriteArrayList<>();
    // On SIGTERM Helidon stops the server but does not close the CDI container, so the @BeforeDestroyed observer
    // below never runs there: this hook drains instead, and the JVM waits for it (SigtermIT).
    private final Thread drainOnExit =
            Thread.ofPlatform().name("levee-drain-on-exit").unstarted(this::drainAll);
    private boolean starting;
    private volatile boolean started;
    private SucceededTasks succeeded;

    @Inject
    WorkerLifecycle(
            LeveeConfig config,
            Broker broker,
            SettlementPublisher settlement,
            HandlerExtension handlers,
            BeanManager beans,
            ControlPlane control,
            TaskLifecycle lifecycle,
            RuntimeLimits limits,
            StateSettings state,
            Instance<TaskListener> listener) {
        this.limits = limits;
        this.state = state;
        this.listener = listener.isResolvable() ? listener.get() : TaskListener.NONE;
        this.control = control;
        this.lifecycle = lifecycle;
        this.config = config;
        this.broker = broker;
        this.settlement = settlement;
        this.handlers = handlers;
        this.beans = beans;
    }

    synchronized void start(@Observes BrokerReady ready) {
        if (!config.role().consumes() || starting) {
            return;
        }
        // Set first: whatever fails below, consumers are never started a second time for the same queue.
        starting = true;
        control.all().forEach(this::controlled);
        for (HandlerEndpoint endpoint : handlers.registry().endpoints()) {
            ConsumerPool pool = new ConsumerPool(
                    endpoint,
                    new HandlerInvoker(endpoint.definition().handler().apply(beans)),
                    broker,
                    settlement,
                    config.worker(),
                    Clock.systemUTC(),
                    lifecycle,
                    duplicates(endpoint),
                    listener);
            if (control.control(endpoint.queue().name()).paused()) {
                pool.pause();
            }
            pool.start();
            pools.add(pool);
        }
        started = true;
        control.onChange(this::controlled);
        if (!pools.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(drainOnExit);
        }
    }

    /** The queue's duplicate filter; the first queue that deduplicates opens the store they share. */
    private DuplicateFilter duplicates(HandlerEndpoint endpoint) {
        if (!endpoint.deduplicate()) {
            return DuplicateFilter.OFF;
        }
        if (succeeded == null) {
            succeeded = state.redisUri().isPresent()
                    ? new RedisSucceededTasks(state.redisUri().get(), state.keyPrefix())
                    : new InMemorySucceededTasks(state.maxEntries(), Clock.systemUTC());
        }
        return new DuplicateFilter(
                succeeded, endpoint.queue().name(), endpoint.queue().deduplicateTtl());
    }

    /** An operator paused, resumed or limited a queue (on any replica). */
    private void controlled(String queue, QueueControl state) {
        limits.setDelivery(queue, new RuntimeLimits.Delivery(state.deliveryMaxRate(), state.deliveryMaxInFlight()));
        for (ConsumerPool pool : pools) {
            if (pool.queue().equals(queue)) {
                if (state.paused()) {
                    pool.pause();
                } else {
                    pool.resume();
                }
            }
        }
    }

    /** Whether every handler's consumers are running (true on a replica that does not consume). */
    public boolean isUp() {
        return !config.role().consumes() || (started && pools.stream().allMatch(ConsumerPool::isUp));
    }

    /**
     * What keeps {@link #isUp()} false: {@code "(not started)"} before the broker was first ready, else the queues
     * whose consumers are not running (starting or reconnecting); empty while up or on a replica that does not consume.
     */
    List<String> down() {
        if (!config.role().consumes()) {
            return List.of();
        }
        if (!started) {
            return List.of("(not started: waiting for the broker)");
        }
        return pools.stream().filter(p -> !p.isUp()).map(ConsumerPool::queue).toList();
    }

    /** Drains every pool: no new tasks, in-flight ones finish within {@code levee.worker.drain-timeout}. */
    void drain(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        drainAll();
        try {
            Runtime.getRuntime().removeShutdownHook(drainOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook itself; drainAll is idempotent.
        }
    }

    private synchronized void drainAll() {
        if (pools.isEmpty()) {
            return;
        }
        LOG.info(() -> "Draining consumers of " + pools.size() + " queue(s), up to "
                + config.worker().drainTimeout().toMillis() + " ms");
        List<Thread> drains = new ArrayList<>();
        for (ConsumerPool pool : pools) {
            drains.add(Thread.ofVirtual()
                    .name("levee-drain-" + pool.queue())
                    .start(() -> pool.drain(config.worker().drainTimeout())));
        }
        for (Thread t : drains) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        pools.clear();
        if (succeeded != null) {
            succeeded.close();
        }
        LOG.info("Drained");
    }
}
