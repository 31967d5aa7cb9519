package com.example.orders;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code orders} table. The task id is the primary key: a task delivered twice (a redelivery after a lost
 * acknowledgement, a replay from the dead-letter queue) is inserted once.
 */
@ApplicationScoped
public class OrderStore {

    private final DataSource db;

    @Inject
    OrderStore(DataSource db) {
        this.db = db;
    }

    /** Creates the bean, and so the table, when the application starts: not at the first order or query. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // The observer's bean instance is this one: @PostConstruct has run by now.
    }

    @PostConstruct
    void createTable() {
        run(
                """
                CREATE TABLE IF NOT EXISTS orders (
                    task_id     text PRIMARY KEY,
                    customer    text NOT NULL,
                    sku         text NOT NULL,
                    quantity    integer NOT NULL,
                    unit_price  numeric(12, 2) NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now())""");
    }

    /** Inserts the order under its task id; a second call with the same id changes nothing. */
    public void save(String taskId, Order order) {
        try (Connection c = db.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        """
                        INSERT INTO orders (task_id, customer, sku, quantity, unit_price)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (task_id) DO NOTHING""")) {
            insert.setString(1, taskId);
            insert.setString(2, order.customer());
            insert.setString(3, order.sku());
            insert.setInt(4, order.quantity());
            insert.setBigDecimal(5, order.unitPrice());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store order " + taskId, e);
        }
    }

    /** The order stored under a task id. */
    public Optional<Order> find(String taskId) {
        try (Connection c = db.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT customer, sku, quantity, unit_price FROM orders WHERE task_id = ?")) {
            select.setString(1, taskId);
            try (ResultSet r = select.executeQuery()) {
                return r.next()
                        ? Optional.of(new Order(r.getString(1), r.getString(2), r.getInt(3), r.getBigDecimal(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read order " + taskId, e);
        }
    }

    private void run(String sql) {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run: " + sql, e);
        }
    }
}
