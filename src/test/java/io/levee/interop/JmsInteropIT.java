package io.levee.interop;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.testing.TaskFeed;
import io.levee.testing.TestBroker;
import io.levee.worker.TaskContext;
import io.levee.worker.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An existing JMS application, configured only through the documented JNDI files (docs/jndi), sends tasks to Levee
 * and receives tasks submitted over HTTP.
 */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddBean(JmsInteropIT.Orders.class)
@AddConfig(key = "levee.queues.it-interop-jms.concurrency", value = "4")
@AddConfig(key = "levee.queues.it-interop-jms-out.max-length", value = "1000")
class JmsInteropIT {

    static final String IN = "it-interop-jms";
    static final String OUT = "it-interop-jms-out";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final JndiFiles JNDI = JndiFiles.forQueues(List.of(IN, OUT));

    @Inject
    WebTarget target;

    @Test
    void fiftyTextAndFiftyBytesMessagesFromAJmsProducerAreAllHandledWithTheirJmsProperties() throws Exception {
        TaskFeed.awaitConsumed(IN);

        List<JmsApplication.Sent> sent = JNDI.run(() -> JmsApplication.send(IN, 50, 50));

        // Every send was confirmed, so a task not handled is in the queue or was lost after it: the failure says which.
        try {
            await("all 100 handled").atMost(DEADLINE).until(() -> notHandled(sent) == 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    notHandled(sent) + " of 100 confirmed tasks not handled within " + DEADLINE + "; depth of " + IN
                            + ": " + TestBroker.depth(IN),
                    e);
        }
        for (int i = 0; i < sent.size(); i++) {
            JmsApplication.Sent s = sent.get(i);
            Seen task = Orders.seen.get(withoutPrefix(s.messageId()));
            String what = s.kind() + " message " + i;
            assertThat(what + ": body", task.body(), is(s.body()));
            assertThat(what + ": queue", task.queue(), is(IN));
            assertThat(what + ": String property", task.headers(), hasEntry("customerId", "customer-" + i));
            assertThat(what + ": int property", task.headers(), hasEntry("lineCount", String.valueOf(i % 7)));
            assertThat(what + ": id source", task.headers(), hasEntry("levee-id-source", "JMSMessageID"));
            assertThat(what + ": correlation id", task.correlationId(), is(s.correlationId()));
            assertThat(what + ": type", task.type(), is("order.created"));
            assertThat(what + ": submitted at", task.submittedAt(), is(s.timestamp()));
            assertThat(what + ": handled once", task.calls(), is(1));
        }
        assertThat("nothing dead-lettered", TaskFeed.take(IN + ".dlq"), empty());
    }

    @Test
    void aJmsConsumerReceivesATaskSubmittedOverHttpByteForByteWithLeveeHeadersAsProperties() throws Exception {
        byte[] json =
                "{ \"order\" : 7,\n  \"note\": \"caf\u00e9 \\u00e9\", \"n\": 1.50 }  ".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> accepted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + target.getUri().getPort() + "/v1/queues/" + OUT + "/tasks"))
                                .header("Content-Type", "application/json")
                                .header("X-Request-Id", "jms-consumer-1")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.body(), accepted.statusCode(), is(202));
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(accepted.body());
        assertThat(accepted.body(), id.find(), is(true));

        JmsApplication.Received received = JNDI.run(() -> JmsApplication.receive(OUT, Duration.ofSeconds(30)));

        assertThat("a message arrived", received, notNullValue());
        assertThat("body byte for byte", Arrays.equals(received.body(), json), is(true));
        assertThat("JMSMessageID is the task id", received.messageId(), is(id.group(1)));
        assertThat(received.properties(), hasEntry("levee-task-id", id.group(1)));
        assertThat(received.properties(), hasEntry("levee-queue", OUT));
        assertThat(received.properties(), hasEntry("levee-attempt", "1"));
        assertThat(received.properties(), hasEntry("x-request-id", "jms-consumer-1"));
        assertThat(
                Long.parseLong(received.properties().get("levee-submitted-at").toString()),
                greaterThan(1_700_000_000_000L));
        assertThat("acknowledged: gone from the queue", TestBroker.depth(OUT), is(0L));
    }

    @Test
    void aPlainCreateQueueOfALeveeQueueFailsBecauseItDeclaresAClassicQueue() throws Exception {
        TaskFeed.awaitConsumed(IN);

        JMSException failure = JNDI.run(() -> JmsApplication.plainCreateQueue(IN));

        assertThat("createQueue failed", failure, notNullValue());
        assertThat(causes(failure), containsString("PRECONDITION_FAILED - inequivalent arg"));
    }

    private static String causes(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            text.append(c).append('\n');
        }
        return text.toString();
    }

    private static long notHandled(List<JmsApplication.Sent> sent) {
        return sent.stream()
                .filter(s -> !Orders.seen.containsKey(withoutPrefix(s.messageId())))
                .count();
    }

    private static String withoutPrefix(String jmsMessageId) {
        return jmsMessageId.startsWith("ID:") ? jmsMessageId.substring(3) : jmsMessageId;
    }

    /** What the handler saw of one task. */
    record Seen(
            String body,
            String queue,
            Map<String, String> headers,
            String correlationId,
            String type,
            long submittedAt,
            int calls) {}

    /** The Levee side: a handler for the queue the JMS application sends to. */
    @ApplicationScoped
    public static class Orders {
        static final Map<String, Seen> seen = new ConcurrentHashMap<>();

        @TaskHandler(IN)
        public void handle(String body, TaskContext task) {
            seen.merge(
                    task.taskId(),
                    new Seen(
                            body,
                            task.queue(),
                            task.headers(),
                            task.correlationId(),
                            task.type(),
                            task.submittedAt().toEpochMilli(),
                            1),
                    (a, b) -> new Seen(
                            a.body(),
                            a.queue(),
                            a.headers(),
                            a.correlationId(),
                            a.type(),
                            a.submittedAt(),
                            a.calls() + 1));
        }
    }
}
