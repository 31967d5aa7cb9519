package io.levee.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.jms.admin.RMQConnectionFactory;
import io.levee.config.LeveeConfig;
import io.levee.config.QueueSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The broker as Levee sees it: an amqp-client connection for topology and queue depth, and factories for the
 * Jakarta Messaging connections that publish and consume. Broker specifics live in this package only.
 */
@ApplicationScoped
public class Broker {

    private static final Logger LOG = Logger.getLogger(Broker.class.getName());

    /**
     * How this replica names itself to the broker: every amqp-client connection it opens carries the client property
     * {@code levee-replica} = {@code <HOSTNAME>/<pid>} (the pod name in Kubernetes), so that an operator, in the
     * management UI or {@code rabbitmqctl list_connections client_properties}, and a test can tell apart the
     * connections of replicas that share a connection name such as {@code levee-admin}.
     */
    public static final String REPLICA = System.getenv().getOrDefault("HOSTNAME", "localhost") + "/"
            + ProcessHandle.current().pid();

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FIRST_RECONNECT = Duration.ofMillis(250);

    private final LeveeConfig config;
    private final Event<BrokerReady> ready;
    private final DelayLadder ladder = new DelayLadder();
    private volatile Connection admin;
    private volatile boolean topologyDeclared;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean reconnecting =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Optional<SSLContext> tls;

    @Inject
    Broker(LeveeConfig config, Event<BrokerReady> ready) {
        this.config = config;
        this.ready = ready;
    }

    /** A broker reached over the given TLS context (tests make one for a CA of their own). */
    Broker(LeveeConfig config, Event<BrokerReady> ready, SSLContext tls) {
        this(config, ready);
        this.tls = Optional.of(tls);
    }

    /**
     * At startup, connects and declares the topology in the background, retrying with capped exponential backoff
     * while the broker is unreachable, then fires {@link BrokerReady}. The HTTP server is up meanwhile; readiness
     * reports DOWN until then.
     */
    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        tls(); // an unreadable trust or key store stops startup here, with the setting named
        Thread.ofVirtual().name("levee-broker-connect").start(() -> {
            if (connectAndDeclare()) {
                announceReady();
            }
        });
    }

    /** Whether the topology got declared; false when it cannot be (a definition conflict) or Levee is closing. */
    private boolean connectAndDeclare() {
        Duration backoff = Duration.ofMillis(250);
        while (!closed) {
            try {
                declareTopology();
                LOG.info(() -> "Connected to " + redacted() + "; topology declared for queues "
                        + config.queues().keySet());
                return true;
            } catch (BrokerUnavailableException e) {
                LOG.warning("Broker " + redacted() + " unreachable (" + e.getCause() + "); retrying in "
                        + backoff.toMillis() + " ms");
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Cannot declare topology; Levee will not become ready: " + e.getMessage(), e);
                return false;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        return false;
    }

    /**
     * Fires {@link BrokerReady} exactly once. An observer's failure is that observer's, reported as such: it is not a
     * topology failure, and it does not make the event fire again (which would start consumers twice).
     */
    private void announceReady() {
        try {
            ready.fire(new BrokerReady());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "A component failed to start once the broker was ready: " + e, e);
        }
    }

    /** The configuration this broker was built from. */
    public LeveeConfig config() {
        return config;
    }

    /**
     * Connects the admin connection if needed and declares the topology of every configured queue.
     *
     * @throws BrokerUnavailableException when the broker cannot be reached
     */
    public synchronized void declareTopology() {
        try {
            Topology.declare(admin(), config.queues().values(), virtualHost());
            topologyDeclared = true;
        } catch (IOException e) {
            throw new BrokerUnavailableException("cannot declare topology on " + redacted() + ": " + e, e);
        }
    }

    /**
     * The admin connection was closed by the broker or the network: reconnect (and redeclare, idempotently) with the
     * same backoff as at startup after a first pause, so that readiness and ingest come back without waiting for someone to ask.
     */
    private void reconnectInBackground() {
        if (closed || !reconnecting.compareAndSet(false, true)) {
            return;
        }
        LOG.warning(() -> "Connection to " + redacted() + " lost; reconnecting");
        Thread.ofVirtual().name("levee-broker-reconnect").start(() -> {
            try {
                // Not at once: a broker that just closed the connection is often shutting down or restarting.
                Thread.sleep(FIRST_RECONNECT);
                connectAndDeclare();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                reconnecting.set(false);
            }
        });
    }

    /** Whether the admin connection is open and the topology has been declared. */
    public boolean isUp() {
        Connection c = admin;
        return topologyDeclared && c != null && c.isOpen();
    }

    /**
     * Why the broker cannot be used now ({@link #isUp()} is false): not connected yet, the connection lost (with the
     * broker's reason), or the topology not declared yet; empty while it is up. It never names the broker's host:
     * health is open to anyone who reaches the port.
     */
    public Optional<String> downReason() {
        Connection c = admin;
        if (c == null) {
            return Optional.of("not connected to the broker yet");
        }
        if (!c.isOpen()) {
            ShutdownSignalException cause = c.getCloseReason();
            String why = cause == null
                    ? ""
                    : cause.getReason() instanceof AMQP.Connection.Close close
                            ? ": " + close.getReplyCode() + " " + close.getReplyText()
                            : ": " + cause.getMessage();
            return Optional.of("connection to the broker lost" + why + "; reconnecting");
        }
        if (!topologyDeclared) {
            return Optional.of("topology not declared yet");
        }
        return Optional.empty();
    }

    /** Messages ready in a queue, as the broker reports them. */
    public long depth(String queue) {
        return withChannel(ch -> ch.queueDeclarePassive(queue).getMessageCount());
    }

    /**
     * Declares the delay ladder of a queue unless this replica did already (see {@link DelayLadder}).
     *
     * @throws BrokerUnavailableException when the broker did not answer
     */
    public void ensureDelayLadder(QueueSettings queue) {
        if (!ladder.declared(queue.name())) {
            withChannel(ch -> {
                ladder.ensure(ch, queue);
                return null;
            });
        }
    }

    /** Tasks of a queue waiting in its delay ladder; 0 when it has none (nobody sent it a delayed task yet). */
    public long delayed(QueueSettings queue) {
        try (Channel ch = admin().createChannel()) {
            ch.queueDeclarePassive(DelayLadder.rung(queue.name(), 0));
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            if (e instanceof IOException io && io.getCause() instanceof com.rabbitmq.client.ShutdownSignalException) {
                return 0;
            }
            throw new BrokerUnavailableException("broker " + redacted() + " did not answer: " + e, e);
        }
        return withChannel(ch -> {
            long waiting = 0;
            for (int k = 0; k < DelayLadder.rungs(queue); k++) {
                waiting += ch.queueDeclarePassive(DelayLadder.rung(queue.name(), k))
                        .getMessageCount();
            }
            return waiting;
        });
    }

    /** Depth and consumers of a queue, read together in one round trip. */
    public QueueState state(String queue) {
        return withChannel(ch -> {
            var ok = ch.queueDeclarePassive(queue);
            return new QueueState(ok.getMessageCount(), ok.getConsumerCount());
        });
    }

    /**
     * A new Jakarta Messaging connection factory for {@link TaskPublisher}. Its producers write Levee's wire format:
     * {@code content_type=application/json}, {@code message_id} = task id, and only Levee's headers, taken from the
     * task being sent ({@link PublishingSession#OUTGOING}) rather than converted from JMS properties and back.
     * (Consumers use amqp-client: docs/handlers.md.)
     */
    RMQConnectionFactory jmsFactory() {
        RMQConnectionFactory f = new RMQConnectionFactory();
        try {
            f.setUri(config.amqpUri().toString());
            if (!config.amqpAddresses().isEmpty()) {
                f.setUris(nodeUris());
            }
        } catch (JMSException e) {
            throw new BrokerUnavailableException("invalid broker URI " + redacted(), e);
        }
        tls().ifPresent(context -> {
            // setUri("amqps://...") alone would trust any certificate for any host.
            f.useSslProtocol(context);
            f.setHostnameVerification(true);
        });
        f.setDeclareReplyToDestination(false);
        f.setAmqpPropertiesCustomiser((props, message) -> {
            TaskEnvelope task = PublishingSession.OUTGOING.get();
            return props.contentType(WireHeaders.CONTENT_TYPE)
                    .messageId(task.id())
                    .headers(task.headers());
        });
        return f;
    }

    /**
     * {@code levee.amqp.uri} once per node of {@code levee.amqp.addresses}: its credentials, virtual host, TLS. Built
     * from the raw (still encoded) parts: the default virtual host is {@code /%2F}, which decoded would read as two
     * path segments.
     */
    List<String> nodeUris() {
        URI u = config.amqpUri();
        String credentials = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        List<String> uris = new ArrayList<>();
        for (Address a : Address.parseAddresses(String.join(",", config.amqpAddresses()))) {
            uris.add(u.getScheme() + "://" + credentials + a.getHost() + ":" + a.getPort() + path + query);
        }
        return uris;
    }

    /** The TLS context for an {@code amqps://} broker, made once; empty for {@code amqp://}. */
    Optional<SSLContext> tls() {
        Optional<SSLContext> t = tls;
        if (t == null) {
            t = BrokerTls.context(config.amqpUri(), ConfigProvider.getConfig());
            tls = t;
        }
        return t;
    }

    /** The virtual host of the broker URI ({@code /} when it names none). */
    String virtualHost() {
        String path = config.amqpUri().getPath();
        return path == null || path.length() <= 1 ? "/" : path.substring(1);
    }

    /** The broker URI with any password hidden, for messages and logs. */
    public String redacted() {
        URI uri = config.amqpUri();
        if (!config.amqpAddresses().isEmpty()) {
            return uri.getScheme() + "://" + String.join(",", config.amqpAddresses());
        }
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5672 : uri.getPort());
    }

    private synchronized Connection admin() throws IOException {
        Connection c = admin;
        if (c != null && c.isOpen()) {
            return c;
        }
        // Without automatic recovery: a recovering connection would come back beside the one opened here, and the
        // old one would stay open unused. A closed connection is aborted (freeing its resources) and replaced.
        if (c != null) {
            c.abort(1_000);
        }
        Connection opened = connect("levee-admin", false, null);
        opened.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                reconnectInBackground();
            }
        });
        admin = opened;
        return opened;
    }

    /**
     * A new amqp-client connection without automatic recovery: its owner notices a closed connection (a failed
     * publish, a shutdown listener) and opens a new one, so nothing is half-recovered behind its back.
     *
     * @param name the connection name shown in the broker's management UI
     */
    public Connection newConnection(String name) throws IOException {
        return connect(name, false, null);
    }

    /**
     * A new amqp-client connection with automatic recovery, which also redeclares its server-named queues, bindings
     * and consumers: for a subscriber that owns no task and must simply come back (the control exchange's).
     */
    public Connection newRecoveringConnection(String name) throws IOException {
        return connect(name, true, null);
    }

    /**
     * A new amqp-client connection without automatic recovery whose deliveries are dispatched on the given
     * executor (consumers that run handlers on it size it to their concurrency).
     */
    public Connection newConnection(String name, ExecutorService dispatch) throws IOException {
        return connect(name, false, dispatch);
    }

    private Connection connect(String name, boolean recovering, ExecutorService dispatch) throws IOException {
        ConnectionFactory f = new ConnectionFactory();
        if (dispatch != null) {
            f.setSharedExecutor(dispatch);
        }
        try {
            f.setUri(config.amqpUri());
        } catch (Exception e) {
            throw new IOException("invalid broker URI " + redacted(), e);
        }
        Optional<SSLContext> tls = tls();
        if (tls.isPresent()) {
            // setUri("amqps://...") alone would trust any certificate for any host.
            f.useSslProtocol(tls.get());
            f.enableHostnameVerification();
        }
        f.setAutomaticRecoveryEnabled(recovering);
        f.setConnectionTimeout(5_000);
        f.getClientProperties().put("levee-replica", REPLICA);
        try {
            if (!config.amqpAddresses().isEmpty()) {
                // Tried in order: the first node that answers; a reconnect starts again from the first.
                return f.newConnection(Address.parseAddresses(String.join(",", config.amqpAddresses())), name);
            }
            return f.newConnection(name);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    private <T> T withChannel(ChannelCall<T> call) {
        try (Channel ch = admin().createChannel()) {
            return call.apply(ch);
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnavailableException("broker " + redacted() + " did not answer: " + e, e);
        }
    }

    @PreDestroy
    void close() {
        closed = true;
        Connection c = admin;
        if (c != null && c.isOpen()) {
            try {
                c.close(2_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing admin connection", e);
            }
        }
    }

    @FunctionalInterface
    private interface ChannelCall<T> {
        T apply(Channel channel) throws IOException;
    }
}
