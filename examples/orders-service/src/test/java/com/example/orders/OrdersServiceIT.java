package com.example.orders;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.example.orders.levee.ApiClient;
import com.example.orders.levee.api.TasksApi;
import com.example.orders.levee.model.TaskAccepted;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import io.levee.worker.PermanentTaskFailure;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service as its clients and operators see it: orders submitted over HTTP through a client generated from
 * Levee's contract end up in PostgreSQL once each, and invalid ones in {@code orders.dlq} with the reason.
 * Needs RabbitMQ ({@code LEVEE_AMQP_URI}) and PostgreSQL ({@code ORDERS_DB_URL}).
 */
@HelidonTest
class OrdersServiceIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    WebTarget target;

    @Inject
    DataSource db;

    @Inject
    OrderStore store;

    @Inject
    @ConfigProperty(name = "levee.amqp.uri")
    String broker;

    TasksApi tasks;

    @BeforeEach
    void clientOfTheRunningService() {
        await("the service is ready (broker connected, orders consumed)")
                .atMost(DEADLINE)
                .until(() -> status("/health/ready") == 200);
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + target.getUri().getPort());
        tasks = new TasksApi(client);
    }

    @Test
    void ordersSubmittedOverHttpAreStored() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(submit(order("ada", "tea-" + i, i, "3.50")).getId());
        }

        await("every order is in the table").atMost(DEADLINE).until(() -> stored(ids) == ids.size());
        assertThat(get("/orders/" + ids.getFirst()), containsString("\"sku\":\"tea-1\""));
    }

    @Test
    void anOrderDeliveredTwiceIsStoredOnce() throws Exception {
        String id = submit(order("cy", "coffee", 2, "4.00")).getId();
        await("the order is in the table").atMost(DEADLINE).until(() -> stored(List.of(id)) == 1);

        // The broker may deliver a task again (a lost acknowledgement, a replay): same task id, one row.
        redeliver(id, order("cy", "coffee", 2, "4.00"));
        String later = submit(order("cy", "later", 1, "0")).getId();
        await("the task queued after the copy was handled").atMost(DEADLINE).until(() -> stored(List.of(later)) == 1);
        assertThat(rows(id), is(1));

        store.save(id, new Order("cy", "something else", 9, BigDecimal.TEN));
        assertThat("a second save of a task id is no error and changes nothing", rows(id), is(1));
        assertThat(get("/orders/" + id), containsString("\"sku\":\"coffee\""));
    }

    @Test
    void invalidOrdersGoToTheDeadLetterQueueWithTheReason() {
        String id = submit(order("bob", "", 0, "1.00")).getId();

        Map<String, Object> dead = await("the invalid order is dead-lettered")
                .atMost(DEADLINE)
                .until(() -> deadLetter(id), Optional::isPresent)
                .orElseThrow();
        assertThat(String.valueOf(dead.get("levee-error-class")), is(PermanentTaskFailure.class.getName()));
        assertThat(
                String.valueOf(dead.get("levee-error-message")),
                is("invalid order: sku is missing; quantity is 0, must be at least 1"));
        assertThat("nothing was stored", rows(id), is(0));
    }

    private static Map<String, Object> order(String customer, String sku, int quantity, String unitPrice) {
        Map<String, Object> order = new HashMap<>();
        order.put("customer", customer);
        order.put("sku", sku);
        order.put("quantity", quantity);
        order.put("unitPrice", new BigDecimal(unitPrice));
        return order;
    }

    private TaskAccepted submit(Map<String, Object> order) {
        try {
            return tasks.submitTask(TasksApi.APISubmitTaskRequest.newBuilder()
                    .queue("orders")
                    .body(order)
                    .build());
        } catch (com.example.orders.levee.ApiException e) {
            throw new AssertionError("submission refused: " + e.getCode() + " " + e.getResponseBody(), e);
        }
    }

    /** Publishes a copy of a task straight to the queue, as a redelivery would bring it again. */
    private void redeliver(String taskId, Map<String, Object> order) throws Exception {
        try (Connection c = connect();
                Channel ch = c.createChannel()) {
            ch.confirmSelect();
            byte[] body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(order);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .messageId(taskId)
                    .deliveryMode(2)
                    .headers(Map.of("levee-task-id", taskId, "levee-attempt", 1))
                    .build();
            ch.basicPublish("", "orders", true, props, body);
            ch.waitForConfirmsOrDie(10_000);
        }
    }

    /** The headers of the dead letter of that task, if it is in orders.dlq (other dead letters are left there). */
    private Optional<Map<String, Object>> deadLetter(String taskId) throws Exception {
        try (Connection c = connect();
                Channel ch = c.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet("orders.dlq", false)) != null) {
                Map<String, Object> headers = r.getProps().getHeaders();
                if (headers != null && taskId.equals(String.valueOf(headers.get("levee-task-id")))) {
                    ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    return Optional.of(headers);
                }
            }
            return Optional.empty(); // closing the channel returns the others to the queue
        }
    }

    private Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(broker);
        return f.newConnection("orders-service-test");
    }

    private int stored(List<String> taskIds) throws Exception {
        try (var c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM orders WHERE task_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", taskIds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private int rows(String taskId) {
        try {
            return stored(List.of(taskId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try (Response r = target.path(path).request().get()) {
            return r.getStatus();
        }
    }

    private String get(String path) {
        try (Response r = target.path(path).request().get()) {
            assertThat(path, r.getStatus(), is(200));
            return r.readEntity(String.class);
        }
    }
}
