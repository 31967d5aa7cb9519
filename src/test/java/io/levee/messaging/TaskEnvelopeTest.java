package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEnvelopeTest {

    private static final byte[] BODY = "{\"a\": [1, 2.50, \"\\u00e9\"]}  ".getBytes(StandardCharsets.UTF_8);

    @Test
    void headersCarryTheWireFormatAndLeaveOutAbsentValues() {
        TaskEnvelope t = new TaskEnvelope("id-1", "orders", 1700000000000L, 1, "req-1", null, null, BODY);

        Map<String, Object> h = t.headers();

        assertThat(h, hasEntry("levee-task-id", "id-1"));
        assertThat(h, hasEntry("levee-queue", "orders"));
        assertThat(h, hasEntry("levee-submitted-at", 1700000000000L));
        assertThat(h, hasEntry("levee-attempt", 1));
        assertThat(h, hasEntry("x-request-id", "req-1"));
        assertThat(h, not(hasKey("traceparent")));
        assertThat(h, not(hasKey("idempotency-key")));
        assertThat(h, aMapWithSize(5));
    }

    @Test
    void theBodyTravelsByteForByte() {
        TaskEnvelope sent = new TaskEnvelope("id-1", "orders", 5L, 2, "r", "tp", "key", BODY);

        TaskEnvelope received = TaskEnvelope.fromWire(stringly(sent.headers()), null, "ignored", BODY.clone());

        assertThat(received, is(sent));
        assertThat(new String(received.body(), StandardCharsets.UTF_8), is(new String(BODY, StandardCharsets.UTF_8)));
    }

    @Test
    void aPlainAmqpMessageWithOnlyAMessageIdIsAFirstAttempt() {
        TaskEnvelope t = TaskEnvelope.fromWire(Map.of(), "m-1", "orders", BODY);

        assertThat(t.id(), is("m-1"));
        assertThat(t.queue(), is("orders"));
        assertThat(t.attempt(), is(1));
    }

    @Test
    void aMessageWithoutAnyIdOrWithANonNumericAttemptIsMalformed() {
        assertThrows(MalformedTaskException.class, () -> TaskEnvelope.fromWire(Map.of(), null, "q", BODY));
        assertThrows(
                MalformedTaskException.class,
                () -> TaskEnvelope.fromWire(Map.of("levee-attempt", "two"), "m", "q", BODY));
    }

    @Test
    void nextAttemptKeepsEverythingButTheAttempt() {
        TaskEnvelope t = new TaskEnvelope("id", "q", 9L, 1, "r", "tp", "k", BODY);

        assertThat(t.nextAttempt().attempt(), is(2));
        assertThat(t.nextAttempt().id(), is("id"));
    }

    /** The JMS client hands every AMQP header to the consumer as a string property. */
    private static Map<String, Object> stringly(Map<String, Object> headers) {
        Map<String, Object> s = new HashMap<>();
        headers.forEach((k, v) -> s.put(k, v.toString()));
        return s;
    }
}
