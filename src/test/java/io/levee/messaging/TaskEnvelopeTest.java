package io.levee.messaging;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEnvelopeTest {

    private static final byte[] BODY = "{\"a\": [1, 2.50, \"\\u00e9\"]}  ".getBytes(StandardCharsets.UTF_8);
    private static final AMQP.BasicProperties NONE = new AMQP.BasicProperties();

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
        assertThat(h, not(hasKey("levee-id-source")));
        assertThat(h, aMapWithSize(5));
    }

    @Test
    void theBodyTravelsByteForByte() {
        TaskEnvelope sent = new TaskEnvelope("id-1", "orders", 5L, 2, "r", "tp", "key", BODY);

        TaskEnvelope received = TaskEnvelope.fromWire(stringly(sent.headers()), NONE, "orders", BODY.clone());

        assertThat(received, is(sent));
        assertThat(new String(received.body(), StandardCharsets.UTF_8), is(new String(BODY, StandardCharsets.UTF_8)));
    }

    @Test
    void theQueueIsTheOneTheTaskWasConsumedFromNotWhatItsHeaderClaims() {
        Map<String, Object> headers = Map.of("levee-task-id", "t-1", "levee-queue", "payments");

        TaskEnvelope t = TaskEnvelope.fromWire(headers, NONE, "orders", BODY);

        assertThat(t.queue(), is("orders"));
        assertThat("the copies Levee writes say so too", t.headers(), hasEntry("levee-queue", "orders"));
    }

    @Test
    void aPlainAmqpMessageWithOnlyAMessageIdIsAFirstAttemptWhoseIdSourceIsRecorded() {
        TaskEnvelope t =
                TaskEnvelope.fromWire(Map.of(), props().messageId("m-1").build(), "orders", BODY);

        assertThat(t.id(), is("m-1"));
        assertThat(t.queue(), is("orders"));
        assertThat(t.attempt(), is(1));
        assertThat(t.headers(), hasEntry("levee-id-source", "message_id"));
    }

    @Test
    void aJmsMessageIdIsTheTaskIdWithOrWithoutItsIdPrefix() {
        TaskEnvelope prefixed = TaskEnvelope.fromWire(Map.of("JMSMessageID", "ID:abc-1"), NONE, "q", BODY);
        TaskEnvelope bare = TaskEnvelope.fromWire(Map.of("JMSMessageID", "abc-1"), NONE, "q", BODY);

        assertThat(prefixed.id(), is("abc-1"));
        assertThat(bare.id(), is("abc-1"));
        assertThat(prefixed.idSource(), is("JMSMessageID"));
    }

    @Test
    void aMessageIdWinsOverAJmsMessageIdAndALeveeTaskIdOverBoth() {
        Map<String, Object> jms = Map.of("JMSMessageID", "ID:jms");
        AMQP.BasicProperties withId = props().messageId("amqp").build();
        Map<String, Object> levee = Map.of("JMSMessageID", "ID:jms", "levee-task-id", "levee");

        assertThat(TaskEnvelope.fromWire(jms, withId, "q", BODY).id(), is("amqp"));
        assertThat(TaskEnvelope.fromWire(levee, withId, "q", BODY).id(), is("levee"));
        assertThat(TaskEnvelope.fromWire(levee, withId, "q", BODY).idSource(), nullValue());
    }

    @Test
    void aMessageWithoutAnyIdGetsOneDerivedFromItsContentTheSameOnEveryRedelivery() {
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);

        TaskEnvelope first = TaskEnvelope.fromWire(Map.of(), NONE, "q", body);
        TaskEnvelope again = TaskEnvelope.fromWire(Map.of("x-delivery-count", 1), NONE, "q", body.clone());
        TaskEnvelope other = TaskEnvelope.fromWire(Map.of(), NONE, "q", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));

        // The value docs/interop.md's recipe gives: sha256("timestamp=\ncorrelation_id=\ntype=\napp_id=\n{"n":1}").
        assertThat(first.id(), is("derived-357b34c50b663d9c6e71e5317f6cd507"));
        assertThat(again.id(), is(first.id()));
        assertThat(other.id(), not(is(first.id())));
        assertThat(first.headers(), hasEntry("levee-id-source", "derived"));
    }

    @Test
    void theAmqpTimestampAndCorrelationIdMakeADerivedIdDistinct() {
        TaskEnvelope plain = TaskEnvelope.fromWire(Map.of(), NONE, "q", BODY);
        TaskEnvelope stamped = TaskEnvelope.fromWire(
                Map.of(),
                props().timestamp(Date.from(Instant.ofEpochMilli(1_700_000_000_000L)))
                        .build(),
                "q",
                BODY);
        TaskEnvelope correlated =
                TaskEnvelope.fromWire(Map.of(), props().correlationId("c").build(), "q", BODY);

        assertThat(stamped.id(), startsWith("derived-"));
        assertThat(stamped.id(), not(is(plain.id())));
        assertThat(correlated.id(), not(is(plain.id())));
    }

    @Test
    void aLaterAttemptKeepsTheIdSourceOfTheFirst() {
        TaskEnvelope first = TaskEnvelope.fromWire(Map.of("JMSMessageID", "ID:x"), NONE, "q", BODY);

        TaskEnvelope second = TaskEnvelope.fromWire(stringly(first.nextAttempt().headers()), NONE, "q", BODY);

        assertThat(second.id(), is("x"));
        assertThat(second.attempt(), is(2));
        assertThat(second.idSource(), is("JMSMessageID"));
    }

    @Test
    void theSubmissionTimeFallsBackToTheJmsTimestampThenTheAmqpTimestamp() {
        AMQP.BasicProperties stamped = props().timestamp(Date.from(Instant.ofEpochMilli(1_700_000_001_000L)))
                .build();

        assertThat(
                TaskEnvelope.fromWire(Map.of("levee-submitted-at", "5", "JMSTimestamp", 7L), stamped, "q", BODY)
                        .submittedAt(),
                is(5L));
        assertThat(
                TaskEnvelope.fromWire(Map.of("JMSTimestamp", 7L), stamped, "q", BODY)
                        .submittedAt(),
                is(7L));
        assertThat(TaskEnvelope.fromWire(Map.of(), stamped, "q", BODY).submittedAt(), is(1_700_000_001_000L));
        assertThat(TaskEnvelope.fromWire(Map.of(), NONE, "q", BODY).submittedAt(), is(0L));
        assertThat(
                "a JMS header is not Levee's: a bad one is ignored",
                TaskEnvelope.fromWire(Map.of("JMSTimestamp", "soon"), NONE, "q", BODY)
                        .submittedAt(),
                is(0L));
    }

    @Test
    void correlationIdAndTypeComeFromTheAmqpPropertiesElseTheJmsHeaders() {
        Map<String, Object> jms = Map.of("JMSCorrelationID", "jc", "JMSType", "order.created");
        AMQP.BasicProperties amqp =
                props().correlationId("ac").type("order.paid").build();

        TaskEnvelope fromJms = TaskEnvelope.fromWire(jms, NONE, "q", BODY);
        TaskEnvelope fromAmqp = TaskEnvelope.fromWire(jms, amqp, "q", BODY);
        TaskEnvelope textMarker = TaskEnvelope.fromWire(Map.of("JMSType", "TextMessage"), NONE, "q", BODY);

        assertThat(fromJms.correlationId(), is("jc"));
        assertThat(fromJms.type(), is("order.created"));
        assertThat(fromAmqp.correlationId(), is("ac"));
        assertThat(fromAmqp.type(), is("order.paid"));
        assertThat("the client's body-kind marker is not a type", textMarker.type(), nullValue());
        assertThat("they survive the next attempt", fromJms.nextAttempt().correlationId(), is("jc"));
    }

    @Test
    void aNonNumericAttemptIsMalformed() {
        assertThrows(
                MalformedTaskException.class,
                () -> TaskEnvelope.fromWire(Map.of("levee-attempt", "two"), NONE, "q", BODY));
    }

    @Test
    void nextAttemptKeepsEverythingButTheAttempt() {
        TaskEnvelope t = new TaskEnvelope("id", "q", 9L, 1, "r", "tp", "k", BODY);

        assertThat(t.nextAttempt().attempt(), is(2));
        assertThat(t.nextAttempt().id(), is("id"));
    }

    private static AMQP.BasicProperties.Builder props() {
        return new AMQP.BasicProperties.Builder();
    }

    /** The JMS client hands every AMQP header to the consumer as a string property. */
    private static Map<String, Object> stringly(Map<String, Object> headers) {
        Map<String, Object> s = new HashMap<>();
        headers.forEach((k, v) -> s.put(k, v.toString()));
        return s;
    }
}
