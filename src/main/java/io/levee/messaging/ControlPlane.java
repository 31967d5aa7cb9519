package io.levee.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Operator commands that every replica must follow (pause, resume, runtime limits), carried through the broker: a
 * fanout exchange {@value #EXCHANGE}, and per replica an exclusive, auto-deleted, server-named queue bound to it.
 * A command sent by any replica reaches all of them, the sender included, and each keeps the resulting
 * {@link QueueControl} per queue.
 *
 * <p>A replica that starts asks the others for their state and waits up to {@link #SYNC_WAIT} for the first answer
 * before its consumers start, so a worker joining a paused queue does not consume from it. When no replica is left
 * to answer, the state is gone unless something restores it ({@link #restore}) from a store.
 */
@ApplicationScoped
public class ControlPlane {

    /** The fanout exchange operator commands travel through. */
    public static final String EXCHANGE = "levee.control";
    /** How long a starting replica waits for another's state. */
    static final Duration SYNC_WAIT = Duration.ofMillis(500);

    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Broker broker;
    private final String replica = UUID.randomUUID().toString();
    private final Map<String, QueueControl> state = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, QueueControl>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private Connection connection;
    private Channel publishing;

    @Inject
    ControlPlane(Broker broker) {
        this.broker = broker;
    }

    /** Subscribes once the broker is ready, before the consumers start (they observe the same event later). */
    void start(@Observes @Priority(1000) BrokerReady ready) {
        try {
            subscribe();
            send(message("sync-request"));
            if (!synced.await(SYNC_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.fine("no other replica answered with its queue state; starting from the configuration");
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot subscribe to " + EXCHANGE + "; pause and limits reach this replica only"
                            + " when set through it",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The operator-set state of a queue ({@link QueueControl#CONFIGURED} when nothing was set). */
    public QueueControl control(String queue) {
        return state.getOrDefault(queue, QueueControl.CONFIGURED);
    }

    /** Every queue an operator changed, with its state. */
    public Map<String, QueueControl> all() {
        return Map.copyOf(state);
    }

    /** Calls {@code listener} with the queue and its new state whenever a command changes it on this replica. */
    public void onChange(BiConsumer<String, QueueControl> listener) {
        listeners.add(listener);
    }

    /**
     * Pauses or resumes a queue's consumers on every replica. Returns once the broker confirmed the command; this
     * replica applies it at once, the others as they receive it.
     *
     * @throws BrokerUnavailableException when the command was not confirmed
     */
    public void setPaused(String queue, boolean paused) {
        ObjectNode m = message("pause");
        m.put("queue", queue);
        m.put("paused", paused);
        publish(m);
        apply(queue, control(queue).withPaused(paused));
    }

    /** Sets a queue's runtime limits on every replica (null: as configured); see {@link #setPaused}. */
    public void setLimits(String queue, Double deliveryMaxRate, Integer deliveryMaxInFlight, Long ingestMaxRate) {
        ObjectNode m = message("limits");
        m.put("queue", queue);
        m.set("limits", limits(deliveryMaxRate, deliveryMaxInFlight, ingestMaxRate));
        publish(m);
        apply(queue, control(queue).withLimits(deliveryMaxRate, deliveryMaxInFlight, ingestMaxRate));
    }

    /** Applies state read from a store at startup, on this replica only. */
    public void restore(Map<String, QueueControl> stored) {
        stored.forEach(this::apply);
    }

    private void apply(String queue, QueueControl next) {
        QueueControl previous = state.put(queue, next);
        if (!next.equals(previous)) {
            for (BiConsumer<String, QueueControl> l : listeners) {
                try {
                    l.accept(queue, next);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a listener failed on the new state of '" + queue + "'", e);
                }
            }
        }
    }

    private synchronized void subscribe() throws IOException, TimeoutException {
        connection = broker.newRecoveringConnection("levee-control");
        Channel ch = connection.createChannel();
        ch.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, true);
        String queue = ch.queueDeclare().getQueue();
        ch.queueBind(queue, EXCHANGE, "");
        ch.basicConsume(queue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                receive(body);
            }
        });
        publishing = connection.createChannel();
        publishing.confirmSelect();
    }

    private void receive(byte[] body) {
        JsonNode m;
        try {
            m = JSON.readTree(body);
        } catch (IOException e) {
            LOG.warning("ignoring an unreadable message on " + EXCHANGE + ": " + e.getMessage());
            return;
        }
        String from = m.path("from").asText();
        switch (m.path("type").asText()) {
            case "pause" -> {
                if (!replica.equals(from)) {
                    String q = m.path("queue").asText();
                    apply(q, control(q).withPaused(m.path("paused").asBoolean()));
                }
            }
            case "limits" -> {
                if (!replica.equals(from)) {
                    String q = m.path("queue").asText();
                    JsonNode l = m.path("limits");
                    apply(
                            q,
                            control(q)
                                    .withLimits(
                                            doubleOrNull(l, "deliveryMaxRate"),
                                            intOrNull(l, "deliveryMaxInFlight"),
                                            longOrNull(l, "ingestMaxRate")));
                }
            }
            case "sync-request" -> {
                if (!replica.equals(from)) {
                    answerSync(from);
                }
            }
            case "state" -> {
                if (replica.equals(m.path("to").asText()) && synced.getCount() > 0) {
                    m.path("queues")
                            .properties()
                            .forEach(e -> apply(
                                    e.getKey(),
                                    new QueueControl(
                                            e.getValue().path("paused").asBoolean(),
                                            doubleOrNull(e.getValue(), "deliveryMaxRate"),
                                            intOrNull(e.getValue(), "deliveryMaxInFlight"),
                                            longOrNull(e.getValue(), "ingestMaxRate"))));
                    synced.countDown();
                }
            }
            default -> LOG.fine(() -> "ignoring a control message of type " + m.path("type"));
        }
    }

    private void answerSync(String to) {
        ObjectNode m = message("state");
        m.put("to", to);
        ObjectNode queues = m.putObject("queues");
        state.forEach((q, c) -> {
            ObjectNode s = limits(c.deliveryMaxRate(), c.deliveryMaxInFlight(), c.ingestMaxRate());
            s.put("paused", c.paused());
            queues.set(q, s);
        });
        try {
            send(m);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot answer a state request", e);
        }
    }

    private ObjectNode message(String type) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", type);
        m.put("from", replica);
        return m;
    }

    private static ObjectNode limits(Double deliveryMaxRate, Integer deliveryMaxInFlight, Long ingestMaxRate) {
        ObjectNode l = JSON.createObjectNode();
        Map<String, Object> values = new HashMap<>();
        values.put("deliveryMaxRate", deliveryMaxRate);
        values.put("deliveryMaxInFlight", deliveryMaxInFlight);
        values.put("ingestMaxRate", ingestMaxRate);
        values.forEach((k, v) -> {
            if (v != null) {
                l.putPOJO(k, v);
            }
        });
        return l;
    }

    private static Double doubleOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asDouble() : null;
    }

    private static Integer intOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asInt() : null;
    }

    private static Long longOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }

    /** Sends without waiting for a confirm (a state answer: the asker waits for one, any one). */
    private synchronized void send(ObjectNode m) throws IOException {
        if (publishing == null) {
            throw new IOException("not subscribed to " + EXCHANGE);
        }
        publishing.basicPublish(EXCHANGE, "", null, JSON.writeValueAsBytes(m));
    }

    private synchronized void publish(ObjectNode m) {
        try {
            send(m);
            publishing.waitForConfirmsOrDie(
                    broker.config().publish().confirmTimeout().toMillis());
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new BrokerUnavailableException("the command was not confirmed by " + broker.redacted() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while sending a command", e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(2_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing the control connection", e);
            }
        }
    }
}
