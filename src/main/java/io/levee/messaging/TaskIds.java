package io.levee.messaging;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The id of a received task, from whatever its producer wrote. In order: {@code levee-task-id}; the AMQP
 * {@code message_id}; the {@code JMSMessageID} header that the RabbitMQ JMS client writes instead of a
 * {@code message_id} (without its {@code ID:} prefix); else an id derived from the message itself, so that every
 * redelivery of the same message has the same id. Levee records where the id came from in {@code levee-id-source}.
 */
public final class TaskIds {

    /** {@code levee-id-source} of an id taken from the AMQP {@code message_id}. */
    public static final String FROM_MESSAGE_ID = "message_id";
    /** {@code levee-id-source} of an id taken from the JMS client's {@code JMSMessageID} header. */
    public static final String FROM_JMS_MESSAGE_ID = "JMSMessageID";
    /** {@code levee-id-source} of an id Levee derived from the message. */
    public static final String DERIVED = "derived";
    /** Prefix of a derived id. */
    public static final String DERIVED_PREFIX = "derived-";

    private static final String JMS_ID_PREFIX = "ID:";
    private static final HexFormat HEX = HexFormat.of();

    private TaskIds() {}

    /**
     * A task id and where it came from.
     *
     * @param id     the task id
     * @param source null when the producer wrote {@code levee-task-id} itself; otherwise one of
     *               {@link #FROM_MESSAGE_ID}, {@link #FROM_JMS_MESSAGE_ID} or {@link #DERIVED}
     */
    public record Resolved(String id, String source) {}

    /** Resolves the id of a received message; never fails, every message gets one. */
    public static Resolved resolve(Map<String, ?> headers, AMQP.BasicProperties properties, byte[] body) {
        String id = TaskEnvelope.text(headers.get(WireHeaders.TASK_ID));
        if (present(id)) {
            // An earlier attempt's copy carries the id Levee chose then, and where it came from.
            return new Resolved(id, TaskEnvelope.text(headers.get(WireHeaders.ID_SOURCE)));
        }
        if (present(properties.getMessageId())) {
            return new Resolved(properties.getMessageId(), FROM_MESSAGE_ID);
        }
        String jms = TaskEnvelope.text(headers.get(WireHeaders.JMS_MESSAGE_ID));
        if (jms != null && jms.startsWith(JMS_ID_PREFIX)) {
            jms = jms.substring(JMS_ID_PREFIX.length());
        }
        if (present(jms)) {
            return new Resolved(jms, FROM_JMS_MESSAGE_ID);
        }
        return new Resolved(derive(properties, body), DERIVED);
    }

    /**
     * {@code derived-} and the first 32 hex digits of the SHA-256 of the lines {@code timestamp=}, {@code
     * correlation_id=}, {@code type=}, {@code app_id=} (each followed by the AMQP property's value, the timestamp in
     * epoch seconds, or nothing when absent, and a line feed), then the body. Documented in docs/interop.md, so that
     * a foreign consumer can compute the same id.
     */
    static String derive(AMQP.BasicProperties properties, byte[] body) {
        String lines = "timestamp="
                + (properties.getTimestamp() == null
                        ? ""
                        : properties.getTimestamp().toInstant().getEpochSecond())
                + "\ncorrelation_id=" + nullToEmpty(properties.getCorrelationId())
                + "\ntype=" + nullToEmpty(properties.getType())
                + "\napp_id=" + nullToEmpty(properties.getAppId())
                + "\n";
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(lines.getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return DERIVED_PREFIX + HEX.formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
