package io.levee.ingress;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.client.ApiException;
import io.levee.client.ApiResponse;
import io.levee.client.api.QueuesApi;
import io.levee.client.api.TasksApi;
import io.levee.client.model.BatchResult;
import io.levee.client.model.QueueStatus;
import io.levee.client.model.TaskAccepted;
import io.levee.testing.TestBroker;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ingest API through the client generated from openapi.yaml, against a real broker; no handlers run. */
@ExtendWith(TestBroker.class)
@HelidonTest
@AddConfig(key = "levee.queues.it-ingest.max-length", value = "10000")
@AddConfig(key = "levee.queues.it-ingest-orders.schema", value = "schemas/order.json")
@AddConfig(key = "levee.queues.it-ingest-tiny.max-length", value = "2")
@AddConfig(key = "levee.queues.it-ingest-ceiling.ingest.max-rate", value = "3")
class IngestIT {

    static final String QUEUE = "it-ingest";
    static final String ORDERS = "it-ingest-orders";
    static final String TINY = "it-ingest-tiny";
    static final String CEILING = "it-ingest-ceiling";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    WebTarget target;

    TasksApi tasks;
    QueuesApi queues;

    @BeforeEach
    void clients() {
        IngestClients.awaitReady(target);
        tasks = IngestClients.tasks(target);
        queues = IngestClients.queues(target);
    }

    @Test
    void aTaskIsAcceptedOnlyOnceItIsInTheQueue() throws Exception {
        long before = TestBroker.depth(QUEUE);
        ApiResponse<TaskAccepted> r = tasks.submitTaskWithHttpInfo(
                QUEUE, Map.of("hello", "world"), null, "req-123", null, null, null, null, null, null);

        assertThat(r.getStatusCode(), is(202));
        TaskAccepted a = r.getData();
        assertThat(a.getQueue(), is(QUEUE));
        assertThat(a.getRequestId(), is("req-123"));
        assertThat(a.getAcceptedAt(), is(org.hamcrest.Matchers.notNullValue()));
        assertThat(r.getHeaders().get("location").getFirst(), endsWith("/v1/queues/" + QUEUE + "/tasks/" + a.getId()));
        assertThat(r.getHeaders().get("x-request-id"), is(List.of("req-123")));
        // 202 is answered after the confirm, so the task is already countable.
        await().atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == before + 1);
    }

    @Test
    void theTaskCarriesTheWireFormatAndAnInvalidTraceparentIsReplaced() throws Exception {
        String queue = QUEUE;
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queuePurge(queue);
            TaskAccepted a =
                    tasks.submitTask(queue, Map.of("n", 1), null, null, "00-garbage", null, null, null, null, null);
            GetResponse got = ch.basicGet(queue, true);
            assertThat("a confirmed task is in the queue", got != null, is(true));
            assertThat(got.getProps().getMessageId(), is(a.getId()));
            assertThat(got.getProps().getContentType(), is("application/json"));
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8), is("{\"n\":1}"));
            String traceparent = got.getProps().getHeaders().get("traceparent").toString();
            assertThat(traceparent, allOf(matchesPattern("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), not("00-garbage")));
            assertThat(got.getProps().getHeaders().get("x-request-id").toString(), is(a.getRequestId()));
        }
    }

    @Test
    void aRequestIdOutsideTheAllowedCharactersOrLengthIsReplacedInTheAnswerAndTheMessage() throws Exception {
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queuePurge(QUEUE);
            for (String bad :
                    List.of("req 1\tlevel=SEVERE msg=forged", "x".repeat(129), "<script>", "caf\u00e9", "a/b", "")) {
                TaskAccepted a = tasks.submitTask(QUEUE, Map.of("n", 1), null, bad, null, null, null, null, null, null);
                assertThat(bad, a.getRequestId(), allOf(not(bad), matchesPattern("[A-Za-z0-9._:-]{1,128}")));
                GetResponse got = ch.basicGet(QUEUE, true);
                assertThat("a confirmed task is in the queue", got != null, is(true));
                assertThat(got.getProps().getHeaders().get("x-request-id").toString(), is(a.getRequestId()));
            }
            String longest = "Aa0._:-".repeat(18) + "xy";
            assertThat(longest.length(), is(128));
            assertThat(
                    tasks.submitTask(QUEUE, Map.of("n", 2), null, longest, null, null, null, null, null, null)
                            .getRequestId(),
                    is(longest));
            ch.queuePurge(QUEUE);
        }
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheOriginalAndEnqueuesNothing() throws Exception {
        String key = "key-" + UUID.randomUUID();
        long before = TestBroker.depth(QUEUE);
        TaskAccepted first = tasks.submitTask(QUEUE, Map.of("pay", 10), key, null, null, null, null, null, null, null);
        TaskAccepted again = tasks.submitTask(QUEUE, Map.of("pay", 10), key, null, null, null, null, null, null, null);

        assertThat(again.getId(), is(first.getId()));
        assertThat(again.getAcceptedAt(), is(first.getAcceptedAt()));
        await().atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == before + 1);

        ApiException reused = assertThrows(
                ApiException.class,
                () -> tasks.submitTask(QUEUE, Map.of("pay", 11), key, null, null, null, null, null, null, null));
        assertThat(reused.getCode(), is(422));
        assertThat(reused.getResponseBody(), containsString("urn:levee:problem:idempotency-key-reused"));
        assertThat("the refused body was not enqueued", TestBroker.depth(QUEUE), is(before + 1));
    }

    @Test
    void aBatchIsAnsweredItemByItem() throws Exception {
        long before = TestBroker.depth(QUEUE);
        ApiResponse<BatchResult> r = tasks.submitBatchWithHttpInfo(
                QUEUE, List.of(Map.of("i", 0), "one", 2), null, null, null, null, null, null, null, null);

        assertThat(r.getStatusCode(), is(202));
        assertThat(r.getData().getResults(), hasSize(3));
        for (int i = 0; i < 3; i++) {
            assertThat(r.getData().getResults().get(i).getIndex(), is(i));
            assertThat(r.getData().getResults().get(i).getStatus(), is(202));
        }
        await().atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == before + 3);
    }

    @Test
    void aBodyThatBreaksTheQueueSchemaIsRefusedWithEveryViolation() throws Exception {
        long before = TestBroker.depth(ORDERS);
        ApiException e = assertThrows(
                ApiException.class,
                () -> tasks.submitTask(ORDERS, Map.of("amount", -1), null, null, null, null, null, null, null, null));

        assertThat(e.getCode(), is(422));
        assertThat(
                e.getResponseBody(),
                allOf(
                        containsString("urn:levee:problem:schema-violation"),
                        containsString("orderId"),
                        containsString("$.amount")));
        assertThat(TestBroker.depth(ORDERS), is(before));

        TaskAccepted ok = tasks.submitTask(
                ORDERS, Map.of("orderId", "o-1", "amount", 5), null, null, null, null, null, null, null, null);
        assertThat(ok.getQueue(), is(ORDERS));
        await().atMost(DEADLINE).until(() -> TestBroker.depth(ORDERS) == before + 1);
    }

    @Test
    void aBatchWithOneInvalidItemEnqueuesNothingAndNamesTheItem() {
        long before = TestBroker.depth(ORDERS);
        ApiException e = assertThrows(
                ApiException.class,
                () -> tasks.submitBatch(
                        ORDERS,
                        List.of(Map.of("orderId", "a", "amount", 1), Map.of("orderId", "b")),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));

        assertThat(e.getCode(), is(422));
        assertThat(e.getResponseBody(), allOf(containsString("\"item\":1"), containsString("schema-violation")));
        assertThat(TestBroker.depth(ORDERS), is(before));
    }

    @Test
    void queuesReportDepthAndTheirSchema() throws Exception {
        long depth = TestBroker.depth(QUEUE);
        QueueStatus q = queues.getQueue(QUEUE);
        assertThat(q.getName(), is(QUEUE));
        assertThat(q.getDepth(), greaterThanOrEqualTo(depth));
        assertThat(q.getMaxLength(), is(10_000L));
        assertThat(q.getDeadLetterDepth(), is(0L));

        List<String> names = queues.listQueues().getQueues().stream()
                .map(QueueStatus::getName)
                .toList();
        assertThat(names, hasItem(ORDERS));
        assertThat(queues.getQueue(ORDERS).getSchema(), is("/v1/queues/" + ORDERS + "/schema"));
        HttpResponse<String> schema = IngestClients.send(
                HttpRequest.newBuilder(URI.create(IngestClients.base(target) + "/v1/queues/" + ORDERS + "/schema"))
                        .build());
        assertThat(schema.statusCode(), is(200));
        assertThat(schema.body(), containsString("\"orderId\""));
        assertThat(queues.getQueue(CEILING).getIngestMaxRate(), is(3.0));
    }

    @Test
    void aFullQueueIsA429WithRetryAfter() throws Exception {
        try (Connection c = TestBroker.connect();
                Channel ch = c.createChannel()) {
            ch.queuePurge(TINY);
        }
        // x-max-length with reject-publish is a soft limit on quorum queues: it may admit a few more first.
        int[] accepted = {0};
        ApiException full = assertThrows(ApiException.class, () -> {
            for (int i = 0; i < 20; i++) {
                tasks.submitTask(TINY, i, null, null, null, null, null, null, null, null);
                accepted[0]++;
            }
        });

        assertThat(full.getCode(), is(429));
        assertThat(full.getResponseBody(), containsString("urn:levee:problem:queue-full"));
        int retryAfter = Integer.parseInt(
                full.getResponseHeaders().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter, allOf(greaterThanOrEqualTo(1), lessThanOrEqualTo(60)));
        assertThat("every 202 is in the queue, nothing more", TestBroker.depth(TINY), is((long) accepted[0]));
    }

    @Test
    void theIngestCeilingIsA429WithRetryAfter() {
        ApiException limited = assertThrows(ApiException.class, () -> {
            for (int i = 0; i < 10; i++) {
                tasks.submitTask(CEILING, i, null, null, null, null, null, null, null, null);
            }
        });
        assertThat(limited.getCode(), is(429));
        assertThat(limited.getResponseBody(), containsString("urn:levee:problem:rate-limited"));
        int retryAfter = Integer.parseInt(
                limited.getResponseHeaders().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter, allOf(greaterThanOrEqualTo(1), lessThanOrEqualTo(60)));
    }

    @Test
    void aGzipBodyIsDecoded() throws IOException {
        long before = TestBroker.depth(QUEUE);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write("{\"zipped\":true}".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = IngestClients.send(
                HttpRequest.newBuilder(URI.create(IngestClients.base(target) + "/v1/queues/" + QUEUE + "/tasks"))
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                        .build());
        assertThat(r.body(), r.statusCode(), is(202));
        await().atMost(DEADLINE).until(() -> TestBroker.depth(QUEUE) == before + 1);
    }
}
