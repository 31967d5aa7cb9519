package io.levee.worker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.levee.config.LeveeConfig;
import io.levee.messaging.Broker;
import io.levee.messaging.BrokerReady;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

/** Starts a consumer pool per handler once the broker is ready (worker role), and stops them on shutdown. */
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class.getName());

    private final LeveeConfig config;
    private final Broker broker;
    private final HandlerExtension handlers;
    private final BeanManager beans;
    private final List<ConsumerPool> pools = new ArrayList<>();
    private volatile boolean running;

    @Inject
    WorkerLifecycle(LeveeConfig config, Broker broker, HandlerExtension handlers, BeanManager beans) {
        this.config = config;
        this.broker = broker;
        this.handlers = handlers;
        this.beans = beans;
    }

    synchronized void start(@Observes BrokerReady ready) {
        if (!config.role().consumes()) {
            return;
        }
        for (HandlerDefinition h : handlers.handlers()) {
            ConsumerPool pool = new ConsumerPool(config.queue(h.queue()).orElseThrow(), new HandlerInvoker(h, beans),
                    broker);
            try {
                pool.start();
                pools.add(pool);
            } catch (Exception e) {
                LOG.log(Level.SEVERE, "cannot start consumers for queue '" + h.queue() + "'", e);
                pool.stop();
            }
        }
        running = true;
    }

    /** Whether every handler's consumers are running (true on a replica that does not consume). */
    public boolean isUp() {
        return !config.role().consumes() || (running && pools.size() == handlers.handlers().size());
    }

    @PreDestroy
    synchronized void stop() {
        running = false;
        pools.forEach(ConsumerPool::stop);
        pools.clear();
    }
}
