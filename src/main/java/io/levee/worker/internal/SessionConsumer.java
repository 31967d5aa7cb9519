package io.levee.worker.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.levee.messaging.BrokerUnavailableException;
import io.levee.messaging.MalformedTaskException;
import io.levee.messaging.RedirectPublisher;
import io.levee.messaging.TaskEnvelope;
import io.levee.messaging.Topology;
import io.levee.messaging.WireHeaders;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * The listener of one consumer session: it handles one task at a time, turns whatever the handler did into a
 * {@link TaskOutcome}, and acknowledges.
 *
 * <p>The session is in {@code CLIENT_ACKNOWLEDGE} mode and acknowledges every {@code ackEvery} finished tasks and
 * whenever the pool's idle tick finds finished tasks unacknowledged. Acknowledging a message there acknowledges
 * every earlier delivery of the session; that is correct because a session handles its deliveries one at a time
 * and in order, so every earlier delivery's outcome is final (its retry or dead-letter copy confirmed) by then. A
 * crash redelivers at most the unacknowledged window (≤ prefetch). See docs/handlers.md for the measurement.
 */
final class SessionConsumer implements MessageListener {

    private static final Logger LOG = Logger.getLogger(SessionConsumer.class.getName());
    private static final int MAX_ERROR_MESSAGE = 1_000;

    private final HandlerEndpoint endpoint;
    private final HandlerInvoker invoker;
    private final RedirectPublisher redirect;
    private final Clock clock;
    private final int ackEvery;
    private final Runnable sessionFailed;
    private final Backoff returnBackoff = new Backoff(java.time.Duration.ofMillis(20), java.time.Duration.ofSeconds(1));

    private volatile boolean inFlight;
    private volatile boolean stopped;
    private Message lastFinished;
    private int unacknowledged;

    /**
     * @param ackEvery      finished tasks after which the session acknowledges
     * @param sessionFailed called when this session can no longer acknowledge correctly and must be replaced
     */
    SessionConsumer(HandlerEndpoint endpoint, HandlerInvoker invoker, RedirectPublisher redirect, Clock clock,
                    int ackEvery, Runnable sessionFailed) {
        this.endpoint = endpoint;
        this.invoker = invoker;
        this.redirect = redirect;
        this.clock = clock;
        this.ackEvery = ackEvery;
        this.sessionFailed = sessionFailed;
    }

    @Override
    public void onMessage(Message message) {
        inFlight = true;
        try {
            // Once stopped, deliveries stay unacknowledged and go back to the queue when the session closes.
            if (!stopped) {
                handle(message);
            }
        } catch (BrokerUnavailableException e) {
            // The outcome's copy was not confirmed: this message must not be acknowledged, and a later group
            // acknowledgement would include it. Stop here; replacing the session returns it to the queue.
            LOG.log(Level.WARNING, "cannot record the outcome of a task from '" + endpoint.queue().name()
                    + "'; replacing the session so that the broker redelivers it", e);
            stopped = true;
            sessionFailed.run();
        } finally {
            inFlight = false;
        }
    }

    private void handle(Message message) {
        Map<String, String> headers = new HashMap<>();
        TaskEnvelope envelope;
        try {
            envelope = decode(message, headers);
        } catch (MalformedTaskException e) {
            deadLetter(fallbackEnvelope(message, headers), headers, e);
            finished(message);
            return;
        }
        DeliveredTask task = new DeliveredTask(envelope, headers,
                endpoint.timeout().map(t -> clock.instant().plus(t)));
        TaskOutcome outcome;
        Throwable failure = null;
        try {
            invoker.invoke(task);
            outcome = TaskOutcome.DONE;
        } catch (Throwable t) {
            failure = t;
            outcome = TaskOutcome.of(t, envelope.attempt(), endpoint.maxAttempts());
        }
        switch (outcome) {
            case DONE -> returnBackoff.reset();
            case RETRY -> {
                TaskEnvelope next = envelope.nextAttempt();
                String retryQueue = Topology.retryQueue(endpoint.queue().name(),
                        endpoint.queue().retryDelays().get(envelope.attempt() - 1));
                LOG.log(Level.INFO, "task " + envelope.id() + " of '" + envelope.queue() + "' failed on attempt "
                        + envelope.attempt() + "; retrying through " + retryQueue + ": " + failure);
                redirect.retry(retryQueue, next, wireHeaders(next, headers));
            }
            case DEAD_LETTER -> {
                LOG.log(Level.WARNING, "task " + envelope.id() + " of '" + envelope.queue() + "' dead-lettered after"
                        + " attempt " + envelope.attempt(), failure);
                deadLetter(envelope, headers, failure);
            }
            case RETURN -> redirect.requeue(envelope, wireHeaders(envelope, headers));
        }
        finished(message);
        if (outcome == TaskOutcome.RETURN) {
            // Not the task's fault (bulkhead full, circuit open, rate limit): back off instead of spinning.
            pause(returnBackoff.next());
        }
    }

    private TaskEnvelope decode(Message message, Map<String, String> headers) {
        try {
            for (var names = message.getPropertyNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                headers.put(name, String.valueOf(message.getObjectProperty(name)));
            }
            return TaskEnvelope.fromWire(headers, message.getJMSMessageID(), endpoint.queue().name(), body(message));
        } catch (JMSException | RuntimeException e) {
            if (e instanceof MalformedTaskException m) {
                throw m;
            }
            throw new MalformedTaskException("unreadable message: " + e);
        }
    }

    private static byte[] body(Message message) throws JMSException {
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        if (message instanceof TextMessage text && text.getText() != null) {
            return text.getText().getBytes(StandardCharsets.UTF_8);
        }
        throw new MalformedTaskException("a " + message.getClass().getSimpleName() + " is not a task (expected the"
                + " raw JSON bytes of an AMQP message)");
    }

    private TaskEnvelope fallbackEnvelope(Message message, Map<String, String> headers) {
        byte[] body;
        try {
            body = body(message);
        } catch (JMSException | RuntimeException e) {
            body = new byte[0];
        }
        String id = headers.get(WireHeaders.TASK_ID);
        if (id == null) {
            try {
                id = message.getJMSMessageID();
            } catch (JMSException e) {
                id = null;
            }
        }
        return new TaskEnvelope(id == null || id.isBlank() ? "unidentified-" + UUID.randomUUID() : id,
                endpoint.queue().name(), 0, 1, null, null, null, body);
    }

    private void deadLetter(TaskEnvelope envelope, Map<String, String> received, Throwable failure) {
        Map<String, Object> headers = wireHeaders(envelope, received);
        headers.put(WireHeaders.ERROR_CLASS, failure.getClass().getName());
        String text = String.valueOf(failure.getMessage());
        headers.put(WireHeaders.ERROR_MESSAGE, text.length() > MAX_ERROR_MESSAGE
                ? text.substring(0, MAX_ERROR_MESSAGE) : text);
        headers.put(WireHeaders.FAILED_AT, clock.millis());
        redirect.deadLetter(endpoint.queue().deadLetterQueue(), envelope, headers);
    }

    /** The received headers that travel with a copy, overlaid with the envelope's own (typed) headers. */
    private static Map<String, Object> wireHeaders(TaskEnvelope envelope, Map<String, String> received) {
        Map<String, Object> headers = new HashMap<>();
        received.forEach((name, value) -> {
            // JMS-only properties and the broker's own dead-letter and delivery bookkeeping do not travel.
            if (!name.startsWith("JMS") && !name.equals("x-death") && !name.startsWith("x-first-death")
                    && !name.startsWith("x-last-death") && !name.equals("x-delivery-count")
                    && !name.startsWith("levee-error-") && !name.equals(WireHeaders.FAILED_AT)) {
                headers.put(name, value);
            }
        });
        headers.putAll(envelope.headers());
        return headers;
    }

    private void finished(Message message) {
        boolean acknowledged;
        synchronized (this) {
            lastFinished = message;
            unacknowledged++;
            acknowledged = unacknowledged < ackEvery || acknowledge();
        }
        if (!acknowledged) {
            failedToAcknowledge();
        }
    }

    /** Acknowledges finished tasks that are still unacknowledged; called when the session may have gone idle. */
    void flush() {
        boolean acknowledged;
        synchronized (this) {
            acknowledged = unacknowledged == 0 || acknowledge();
        }
        if (!acknowledged) {
            failedToAcknowledge();
        }
    }

    /** Whether the acknowledgement went out; called holding this consumer's lock. */
    private boolean acknowledge() {
        try {
            lastFinished.acknowledge();
            unacknowledged = 0;
            return true;
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot acknowledge tasks of '" + endpoint.queue().name()
                    + "'; the broker will redeliver them", e);
            return false;
        }
    }

    /** Outside this consumer's lock: the pool takes its own lock to replace the session. */
    private void failedToAcknowledge() {
        stopped = true;
        sessionFailed.run();
    }

    /** Takes no new deliveries from now on; finished ones can still be flushed. */
    void stop() {
        stopped = true;
    }

    /** Whether a delivery is being handled right now. */
    boolean inFlight() {
        return inFlight;
    }

    private static void pause(java.time.Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
