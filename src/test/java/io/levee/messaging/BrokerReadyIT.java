package io.levee.messaging;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.BrokerConnections;
import io.levee.testing.TestBroker;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BrokerReady} fires once: an observer that fails is reported as that observer's failure, not as a topology
 * failure, and does not make the event fire again (which started consumers and control subscriptions twice). The
 * admin connection is replaced, never duplicated, when the broker closes it.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(BrokerReadyIT.Counting.class)
@AddBean(BrokerReadyIT.Failing.class)
class BrokerReadyIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final List<String> brokerLog = new CopyOnWriteArrayList<>();
    // Held: a logger nobody references can be collected, and with it the handler.
    static final Logger BROKER_LOGGER = Logger.getLogger(Broker.class.getName());

    static {
        BROKER_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                brokerLog.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    @Inject
    Broker broker;

    @Test
    void aFailingObserverIsReportedAsItselfAndTheEventFiresOnce() {
        await("BrokerReady fired").atMost(DEADLINE).until(() -> Counting.seen.get() >= 1);
        await("no second BrokerReady")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Counting.seen.get() == 1);
        assertThat(Failing.calls.get(), is(1));
        assertThat(brokerLog.stream().anyMatch(l -> l.contains("failed to start once the broker was ready")), is(true));
        assertThat(
                brokerLog.stream()
                        .map(l -> l.contains("unreachable") || l.contains("Cannot declare"))
                        .toList(),
                not(hasItem(true)));
    }

    @Test
    void aClosedAdminConnectionIsReplacedNotDuplicated() {
        assumeTrue(BrokerConnections.controllable(), "needs rabbitmqctl for the local broker");
        await("topology declared").atMost(DEADLINE).until(broker::isUp);
        assertThat("this replica's admin connection", BrokerConnections.count("levee-admin"), is(1));
        assertThat(BrokerConnections.close("levee-admin", "closed by BrokerReadyIT"), is(1));
        // Levee reopens it in the background after 250 ms: look often.
        await("closed").atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !broker.isUp());

        broker.depth(Topology.UNROUTABLE);

        await("admin connection reopened").atMost(DEADLINE).until(() -> BrokerConnections.count("levee-admin") == 1);
        // amqp-client's automatic recovery would bring the closed connection back 5 s after the close, beside the new
        // one: the count must hold through that moment. (Each look runs rabbitmqctl, seconds on a loaded machine, so
        // the bound leaves room around the 7 s the count must hold.)
        await("one admin connection")
                .during(Duration.ofSeconds(7))
                .atMost(DEADLINE)
                .until(() -> BrokerConnections.count("levee-admin") == 1);
    }

    /** Counts BrokerReady events; runs before every other observer. */
    @ApplicationScoped
    public static class Counting {
        static final AtomicInteger seen = new AtomicInteger();

        void ready(@Observes @Priority(1) BrokerReady ready) {
            seen.incrementAndGet();
        }
    }

    /** An observer that fails the way a broker call does, after Levee's own observers ran. */
    @ApplicationScoped
    public static class Failing {
        static final AtomicInteger calls = new AtomicInteger();

        void ready(@Observes @Priority(5000) BrokerReady ready) {
            calls.incrementAndGet();
            throw new BrokerUnavailableException("the broker went away in an observer", null);
        }
    }
}
